import type { Actor } from '../../../shared/actor.js';
import type { Clock } from '../../../shared/clock.js';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../../../shared/errors.js';
import { nextTurn } from '../../../shared/event-loop.js';
import type { Logger } from '../../../shared/logger.js';
import type { AiSwitchService } from '../../ai-switch/ai-switch.service.js';
import type { ConversationLedger } from '../../conversations/conversation-ledger.js';
import type { InboundMeta, InboundQueue } from '../../inbound/inbound-queue.service.js';
import type { Language } from '../../leads/lead-extraction.js';
import type { OutboxService } from '../../outbox/outbox.service.js';
import type { InboundMessage, PipelineService } from '../../pipeline/pipeline.service.js';
import type { PropertyScope, PropertyService } from '../../properties/property.service.js';
import type { Binding, ChannelBindingService } from '../channel-binding.service.js';
import { REENGAGEMENT_CODE, explainGraphError } from './whatsapp.errors.js';
import { normaliseMessage, splitWebhook, type NormalisedMessage } from './whatsapp.normalise.js';
import { downloadMedia, MediaDownloadError } from './whatsapp.media.js';
import type { WhatsAppSender } from './whatsapp.sender.js';
import { WhatsAppRepository } from './whatsapp.repository.js';
import { StoredEvent, type WaStatus, type WhatsAppChannelInput, type WhatsAppSecrets, type WhatsAppSettings } from './whatsapp.schemas.js';
import { parseSignature, phoneNumberIdsIn, safeEqual, signatureMatches } from './whatsapp.signature.js';
import { optKeyword, OptOuts } from '../opt-out.js';
import { whatsAppTexts, type Acknowledgement } from './whatsapp.texts.js';

type WhatsAppBinding = Binding<WhatsAppSecrets, WhatsAppSettings>;
type InboundEvent = Parameters<InboundQueue['accept']>[0];

interface WhatsAppIngestSettings {
  /** Guest messages older than this (by Meta's timestamp or by arrival) are stored, not answered. */
  backlogCutoffMs: number;
  /** Token bucket per sender address on the public listener. */
  rateLimit: { burst: number; perSecond: number };
  /** Where and how files guests send are downloaded (Graph API base, size limit, time limit). */
  media: { apiBase: string; maxBytes: number; timeoutMs: number };
}

interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Events for a phone number no hotel is bound to (A2): acknowledged, logged, dropped. */
  unmatched: number;
  /** Changes of fields Nocturn does not use (template updates, calls, echoes). */
  ignored: number;
  /** Malformed messages and statuses (over-long id, nesting too deep): skipped and logged, the rest stored. */
  skipped: number;
}

/** A webhook within this many ms means a burst is on; event processing waits up to MAX_DEFER_MS. */
const BUSY_WINDOW_MS = 10;
const MAX_DEFER_MS = 250;

/** Delivery progress never goes backwards: a late "delivered" after "read" is ignored. */
const DELIVERY_RANK: Record<string, number> = { pending: 0, queued: 0, held: 0, sent: 1, failed: 1.5, delivered: 2, read: 3 };
const STATUS_MAP: Record<string, string> = { sent: 'sent', delivered: 'delivered', read: 'read', played: 'read', failed: 'failed' };

type DirectMode =
  | { kind: 'acknowledge'; acknowledgement: Acknowledgement; handoff: boolean }
  /** `reopen`: a resolved conversation opens again (a reaction or sticker does not reopen it). */
  | { kind: 'store'; reopen?: boolean };

/**
 * WhatsApp Cloud API (REFERENCE.md §1): the verification handshake, signed webhooks split into
 * one durable inbound queue event per message and per status, normalisation of every inbound type, opt-out
 * keywords, and delivery statuses applied monotonically. Replies leave through the outbox
 * (WhatsAppSender).
 */
export class WhatsAppService {
  private lastIngestAt = -Infinity;
  /** Addresses whose bucket is empty, until when: refused before their body is read. */
  private readonly blocked = new Map<string, number>();
  /** Requests waiting for the next group commit. */
  private readonly pending: { events: InboundEvent[]; resolve: (r: { duplicate: boolean }[]) => void; reject: (err: unknown) => void }[] = [];

  /** Files downloaded at once; more wait their turn. */
  private mediaSlots = 2;
  private readonly mediaWaiting: (() => void)[] = [];
  private readonly mediaJobs = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      channels: ChannelBindingService;
      properties: PropertyService;
      inboundQueue: Pick<InboundQueue, 'accept'>;
      /** Runs `fn` in one group.db transaction (nested writes become savepoints): one commit, one flush. */
      atomic: <T>(fn: () => T) => T;
      pipeline: Pick<PipelineService, 'handle' | 'storeDirect'>;
      /** Read receipts and the typing indicator (best effort). */
      receipts?: Pick<WhatsAppSender, 'markRead'>;
      outbox: Pick<OutboxService, 'park'>;
      ledger: ConversationLedger;
      ai: Pick<AiSwitchService, 'isPaused'>;
      clock: Clock;
      log: Logger;
      settings: WhatsAppIngestSettings;
    },
  ) {
    this.optOuts = new OptOuts({ ledger: deps.ledger, clock: deps.clock });
  }

  /** STOP and START, as on every channel (../opt-out.ts). */
  private readonly optOuts: OptOuts;

  // ---- staff settings ----------------------------------------------------------------------

  /** Creates or updates a hotel's WhatsApp binding; the three secrets are required the first time. */
  configure(propertyId: string, input: WhatsAppChannelInput, actor: Actor): WhatsAppBinding {
    const property = this.deps.properties.get(propertyId);
    const existing = this.deps.channels.get<WhatsAppSecrets, WhatsAppSettings>(property.id, 'whatsapp');
    const missing = (['appSecret', 'accessToken', 'verifyToken'] as const).filter((k) => !input[k] && !existing?.secrets[k]);
    if (missing.length) {
      throw new ValidationError('WhatsApp needs the app secret, access token and verify token', missing.map((k) => ({ path: k, message: 'required' })));
    }
    const settings: WhatsAppSettings = {};
    if (input.templateName) settings.templateName = input.templateName;
    if (input.templateLanguage) settings.templateLanguage = input.templateLanguage;
    this.deps.channels.put(
      property.id,
      'whatsapp',
      { routingKey: input.phoneNumberId, secrets: { appSecret: input.appSecret, accessToken: input.accessToken, verifyToken: input.verifyToken }, settings: { ...settings }, active: input.active ?? true },
      actor,
    );
    return this.deps.channels.require<WhatsAppSecrets, WhatsAppSettings>(property.id, 'whatsapp');
  }

  // ---- public listener ---------------------------------------------------------------------

  /**
   * The per-address limit, checked before the body is read: an address that used up its
   * allowance is refused at once (429 with Retry-After).
   */
  admit(address: string): void {
    const until = this.blocked.get(address);
    if (until === undefined) return;
    const waitMs = until - this.deps.clock.now().getTime();
    if (waitMs > 0) throw new TooManyRequestsError(Math.ceil(waitMs / 1000), 'Too many requests; slow down');
    this.blocked.delete(address);
  }

  /**
   * Takes one token from the address's persistent bucket (channels.limit: it survives restarts).
   * Charged for every request that is not a correctly signed notification (handshakes, wrong or
   * missing signatures): those are what a flood consists of. Meta's signed deliveries are not
   * throttled; slowing them down would only delay guests' messages and make Meta retry.
   */
  charge(address: string): void {
    const { burst, perSecond } = this.deps.settings.rateLimit;
    try {
      this.deps.channels.limit(`whatsapp:${address}`, burst, perSecond);
    } catch (err) {
      if (err instanceof TooManyRequestsError) {
        if (this.blocked.size > 10_000) for (const [a, t] of this.blocked) if (t <= this.deps.clock.now().getTime()) this.blocked.delete(a);
        this.blocked.set(address, this.deps.clock.now().getTime() + err.retryAfterSeconds * 1000);
      }
      throw err;
    }
  }

  /** Every hotel's active WhatsApp binding (for the handshake and for unroutable payloads). */
  private allBindings(): WhatsAppBinding[] {
    return this.deps.properties
      .list()
      .map((p) => this.deps.channels.get<WhatsAppSecrets, WhatsAppSettings>(p.id, 'whatsapp'))
      .filter((b): b is WhatsAppBinding => b !== undefined && b.active);
  }

  /**
   * GET handshake: `hub.mode=subscribe` and a verify token matching any bound hotel's (compared in
   * constant time, all of them) answers the challenge; anything else is refused.
   */
  verifySubscription(address: string, mode: string | undefined, token: string | undefined, challenge: string | undefined): string {
    this.charge(address);
    if (mode !== 'subscribe' || !token || !challenge) throw new ForbiddenError('Not a valid WhatsApp webhook verification request');
    if (!/^[\w.-]{1,256}$/.test(challenge)) throw new ValidationError('hub.challenge is not valid');
    let match = false;
    for (const b of this.allBindings()) if (safeEqual(token, b.secrets.verifyToken)) match = true;
    if (!match) {
      this.deps.log.warn('WhatsApp webhook verification with an unknown verify token refused');
      throw new ForbiddenError('The verify token does not match any hotel');
    }
    return challenge;
  }

  /**
   * POST: the signature is checked over the raw bytes before the body is parsed. The app secret
   * comes from the hotel(s) the payload names; events are committed to the inbound queue (encrypted, with
   * their idempotency receipt) before this resolves, and only then is the webhook answered 200.
   */
  async ingest(raw: Buffer, signatureHeader: string | undefined, address: string): Promise<IngestResult> {
    this.lastIngestAt = performance.now();
    const signature = parseSignature(signatureHeader);
    const refuse = (detail: string): never => {
      this.charge(address);
      throw new UnauthorizedError(detail);
    };
    if (!signature) return refuse('Missing or malformed X-Hub-Signature-256 header');
    const text = raw.toString('utf8');
    const bindings = new Map<string, WhatsAppBinding | undefined>();
    const resolve = (id: string) => {
      if (!bindings.has(id)) bindings.set(id, this.deps.channels.resolve<WhatsAppSecrets, WhatsAppSettings>('whatsapp', id));
      return bindings.get(id);
    };
    let candidates = phoneNumberIdsIn(text)
      .map(resolve)
      .filter((b): b is WhatsAppBinding => b !== undefined);
    // Nothing routable: authenticate against every hotel's app secret, then acknowledge and drop.
    if (candidates.length === 0) candidates = this.allBindings();
    if (candidates.length === 0) {
      this.charge(address);
      this.deps.log.warn({ bytes: raw.length }, 'WhatsApp webhook received but no hotel has WhatsApp set up; acknowledged and dropped');
      return { accepted: 0, duplicates: 0, unmatched: 1, ignored: 0, skipped: 0 };
    }
    const verified = new Set<string>();
    for (const secret of new Set(candidates.map((b) => b.secrets.appSecret))) if (signatureMatches(raw, secret, signature)) verified.add(secret);
    if (verified.size === 0) {
      this.deps.log.warn({ bytes: raw.length }, 'WhatsApp webhook with a wrong signature refused');
      return refuse('The X-Hub-Signature-256 signature does not match');
    }
    // Checking the signature over a large body and parsing it are two turns of the event loop.
    await nextTurn();
    let split: ReturnType<typeof splitWebhook>;
    try {
      split = splitWebhook(JSON.parse(text));
    } catch {
      throw new ValidationError('The webhook body is not a WhatsApp notification');
    }
    const result: IngestResult = { accepted: 0, duplicates: 0, unmatched: 0, ignored: split.ignoredChanges.length, skipped: split.skipped.length };
    if (split.skipped.length) this.deps.log.warn({ reasons: [...new Set(split.skipped)], events: split.skipped.length }, 'malformed WhatsApp events skipped; the rest of the notification is stored');
    const unmatchedIds = new Set<string>();
    const events: InboundEvent[] = [];
    for (const e of split.events) {
      const binding = resolve(e.phoneNumberId);
      if (!binding || !verified.has(binding.secrets.appSecret)) {
        result.unmatched++;
        unmatchedIds.add(e.phoneNumberId);
        continue;
      }
      events.push({ propertyId: binding.propertyId, provider: 'whatsapp', externalId: e.externalId, eventType: e.eventType, payload: JSON.stringify(e.event) });
    }
    for (const r of events.length ? await this.commit(events) : []) {
      if (r.duplicate) result.duplicates++;
      else result.accepted++;
    }
    if (unmatchedIds.size) {
      this.deps.log.warn({ phoneNumberIds: [...unmatchedIds], events: result.unmatched }, 'WhatsApp events for a number no hotel is bound to; acknowledged and dropped');
    }
    if (split.ignoredChanges.length) this.deps.log.debug({ fields: split.ignoredChanges }, 'WhatsApp webhook fields not used; acknowledged');
    return result;
  }

  /**
   * Group commit: the events of every request that arrived in the same turn of the event loop are
   * stored in one transaction, so concurrent webhooks share one disk flush instead of queueing
   * for one each. Each request is answered only after the commit that holds its events. If a
   * shared commit fails, each request's events are tried on their own, so one bad request cannot
   * fail the others.
   */
  private commit(events: InboundEvent[]): Promise<{ duplicate: boolean }[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    const store = (events: InboundEvent[]) => events.map((e) => this.deps.inboundQueue.accept(e));
    try {
      const results = this.deps.atomic(() => batch.map((b) => store(b.events)));
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch {
      for (const b of batch) {
        try {
          b.resolve(this.deps.atomic(() => store(b.events)));
        } catch (err) {
          b.reject(err);
        }
      }
    }
  }

  // ---- inbound queue worker ------------------------------------------------------------------------

  /**
   * Acknowledging webhooks comes first (Meta retries slow answers; the inbound queue exists so answering
   * can lag behind a burst). Yields to waiting requests, and while webhooks keep arriving waits a
   * little, never more than MAX_DEFER_MS per event, so processing is slowed, never starved.
   */
  private async afterAcknowledgements(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const started = performance.now();
    while (performance.now() - this.lastIngestAt < BUSY_WINDOW_MS && performance.now() - started < MAX_DEFER_MS) {
      await new Promise<void>((resolve) => setTimeout(resolve, BUSY_WINDOW_MS));
    }
  }

  /** The inbound queue handler: one stored event. Idempotent (dedupe by wamid; statuses only move forward). */
  async process(scope: PropertyScope, payload: string, meta: InboundMeta): Promise<void> {
    await this.afterAcknowledgements();
    const event = StoredEvent.parse(JSON.parse(payload));
    if (event.kind === 'status') {
      this.applyStatus(scope, event.status);
      return;
    }
    const m = normaliseMessage(event.message, event.contact);
    if (m.handling === 'ignore' || !m.threadKey) {
      this.deps.log.info({ propertyId: scope.property.id, type: m.type }, 'WhatsApp message type not handled; ignored');
      return;
    }
    await this.storeMessage(scope, event.phoneNumberId, m, meta);
    // After the message is stored (and the guest answered), beside the inbound queue worker: a large file
    // on a slow line must not hold up other guests' messages.
    if (m.media) this.queueMedia(scope, m.wamid, m.media);
  }

  private queueMedia(scope: PropertyScope, wamid: string, media: { id: string; mimeType: string | null }): void {
    const acquire = () => (this.mediaSlots > 0 ? (this.mediaSlots--, Promise.resolve()) : new Promise<void>((resolve) => this.mediaWaiting.push(resolve)));
    const release = () => {
      const next = this.mediaWaiting.shift();
      if (next) next();
      else this.mediaSlots++;
    };
    const job = acquire()
      .then(() => this.fetchMedia(scope, wamid, media))
      .finally(release);
    this.mediaJobs.add(job);
    void job.finally(() => this.mediaJobs.delete(job));
  }

  /** Resolves once the files being downloaded are in (or given up on). */
  async settleMedia(): Promise<void> {
    while (this.mediaJobs.size > 0) await Promise.allSettled([...this.mediaJobs]);
  }

  /**
   * Downloads the file a guest sent and keeps it with the message. Best effort: when Meta cannot
   * give it (too large, expired, unreachable), the message stays as it is, saying what was sent.
   */
  private async fetchMedia(scope: PropertyScope, wamid: string, media: { id: string; mimeType: string | null }): Promise<void> {
    const { ledger } = this.deps;
    const messageId = ledger.messageByExternalId(scope, wamid)?.messageId;
    const binding = this.deps.channels.get<WhatsAppSecrets, WhatsAppSettings>(scope.property.id, 'whatsapp');
    if (!messageId || !binding?.secrets.accessToken || ledger.hasMedia(scope, messageId)) return;
    const { media: settings } = this.deps.settings;
    try {
      const file = await downloadMedia(media.id, media.mimeType, { apiBase: settings.apiBase, token: binding.secrets.accessToken, maxBytes: settings.maxBytes, timeoutMs: settings.timeoutMs });
      ledger.attachMedia(scope, messageId, file);
    } catch (err) {
      const reason = err instanceof MediaDownloadError ? err.message : err instanceof Error ? err.name : 'unknown error';
      this.deps.log.warn({ propertyId: scope.property.id, reason }, 'WhatsApp file not downloaded; the message is kept without it');
    }
  }

  private async storeMessage(scope: PropertyScope, phoneNumberId: string, m: NormalisedMessage, meta: InboundMeta): Promise<void> {
    const now = this.deps.clock.now().getTime();
    // Meta's timestamp says when the guest wrote; after hours of Meta retrying, that is what counts.
    const sentAt = m.sentAt && m.sentAt.getTime() <= now + 5 * 60_000 ? m.sentAt : meta.receivedAt;
    const backlog = meta.backlog || now - sentAt.getTime() > this.deps.settings.backlogCutoffMs;
    const replyTo = { waId: m.from.waId, userId: m.from.userId, phoneNumberId };
    const keyword = m.handling === 'answer' ? optKeyword(m.text) : null;
    const msg: InboundMessage = {
      channel: 'whatsapp',
      threadKey: m.threadKey!,
      externalId: m.wamid,
      text: m.text,
      from: { name: m.from.name, phone: m.from.phone },
      receivedAt: sentAt,
      backlog,
      replyTo,
    };
    // Found by thread as well as by phone, so a guest known only by a username stays opted out.
    if (!keyword && this.isOptedOut(scope, m)) return this.storeDirect(scope, msg, { kind: 'store', reopen: m.handling !== 'store' });
    if (m.handling === 'answer') {
      // The guest sees their message read and the assistant typing while the answer is worked out.
      if (!keyword && !backlog && !this.deps.ai.isPaused(scope.property.id)) void this.deps.receipts?.markRead(scope, m.wamid, true);
      await this.optOuts.handle(scope, msg, (x) => this.deps.pipeline.handle(scope, x));
      return;
    }
    const mode: DirectMode = m.handling === 'acknowledge' && m.acknowledgement ? { kind: 'acknowledge', acknowledgement: m.acknowledgement, handoff: m.handoff } : { kind: 'store' };
    this.storeDirect(scope, msg, mode);
  }

  /** The thread's guest, else the sender's by phone: a guest known only by a username stays opted out. */
  private isOptedOut(scope: PropertyScope, m: NormalisedMessage): boolean {
    const [guestId] = this.deps.ledger.knownGuests(scope, 'whatsapp', m.threadKey!, { phone: m.from.phone });
    return guestId ? this.deps.ledger.isOptedOut(scope, guestId) : false;
  }

  /** A message the model does not read: stored by the pipeline with, where fitting, this channel's fixed acknowledgement. */
  private storeDirect(scope: PropertyScope, msg: InboundMessage, mode: DirectMode): void {
    this.deps.pipeline.storeDirect(scope, {
      ...msg,
      reopen: mode.kind !== 'store' || mode.reopen === true,
      acknowledge: mode.kind === 'acknowledge' ? { text: (language) => whatsAppTexts(language as Language).ack[mode.acknowledgement], handoff: mode.handoff } : null,
    });
  }

  /** sent -> delivered -> read (played counts as read); failed parks the message as a dead letter. */
  private applyStatus(scope: PropertyScope, s: WaStatus): void {
    const next = STATUS_MAP[s.status];
    if (!next) return;
    const repo = new WhatsAppRepository(scope);
    const { ledger } = this.deps;
    const changed = ledger.atomically(scope, () => {
      const target = repo.deliveryTarget(s.id);
      if (!target?.messageId) return null;
      if ((DELIVERY_RANK[next] ?? 0) <= (DELIVERY_RANK[target.deliveryStatus ?? 'pending'] ?? 0)) return null;
      ledger.setDelivery(scope, target.messageId, next);
      if (next === 'failed') this.deps.outbox.park(scope, target.outboxId, failureReason(s));
      if (target.conversationId) ledger.announceDelivery(scope, target.conversationId, target.messageId, next);
      return target;
    });
    if (!changed) this.deps.log.debug({ propertyId: scope.property.id, status: s.status }, 'WhatsApp status not applied (unknown message or not newer)');
  }
}

function failureReason(s: WaStatus): string {
  const e = s.errors?.[0];
  if (!e) return 'WhatsApp reported the message as failed';
  const detail = e.error_data?.details ?? e.message ?? e.title ?? '';
  if (e.code === REENGAGEMENT_CODE) return explainGraphError(e.code, 400, '').message;
  const explained = e.code !== undefined ? explainGraphError(e.code, 400, detail) : undefined;
  return explained && !explained.retryable ? explained.message : `WhatsApp could not deliver the message${e.code !== undefined ? ` (${e.code})` : ''}${detail ? `: ${detail}` : ''}`;
}
