import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../../../shared/actor.js';
import type { Clock } from '../../../shared/clock.js';
import { nextTurn } from '../../../shared/event-loop.js';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import type { InboundHandler } from '../../inbound/inbound-queue.service.js';
import type { PipelineService } from '../../pipeline/pipeline.service.js';
import type { PropertyScope } from '../../properties/property.service.js';
import type { Binding, ChannelBindingService } from '../channel-binding.service.js';
import type { OptOuts } from '../opt-out.js';
import { bareSubject, dedupeKey, readEmail } from './email-content.js';
import { mailgunDelivery, postmarkDelivery, sendgridDelivery, type Delivery, type FormBody } from './email-providers.js';
import { EmailThreadRepository } from './email-thread.repository.js';
import { EmailSettings, StoredEmail, type EmailChannelInput, type EmailChannelView, type EmailProvider, type EmailReplyTo, type EmailSecrets } from './email.schemas.js';

type EmailBinding = Binding<EmailSecrets, EmailSettings>;

export interface WebhookReceipt {
  /**
   * accepted: stored for processing; duplicate: seen before; unmatched: not taken, because no
   * hotel has this address (A2) or the request could not be authenticated (wrong provider, key,
   * signature or password): the two are answered alike, so a caller learns nothing about which
   * addresses are set up, or how.
   */
  status: 'accepted' | 'duplicate' | 'unmatched';
}

/** The one answer to every webhook that is not taken (see WebhookReceipt). */
export const NOT_TAKEN: WebhookReceipt = { status: 'unmatched' };
/** Webhooks not taken, per sender address, before 429: a burst, then one a minute. */
const REFUSED_BURST = 20;
const REFUSED_PER_SECOND = 1 / 60;

interface EmailChannelDeps {
  channels: ChannelBindingService;
  inboundQueue: { accept(e: { propertyId: string; provider: 'email'; externalId: string; eventType: string; payload: string }): { duplicate: boolean } };
  pipeline: Pick<PipelineService, 'handle'>;
  /** The one opt-out policy: STOP as the whole reply or as the subject, and one-click unsubscribe links. */
  optOuts: Pick<OptOuts, 'handle' | 'unsubscribe' | 'validUnsubscribe'>;
  scope: (propertyId: string) => PropertyScope;
  clock: Clock;
  log: Logger;
  /** The public (tunnel) URL, when known, for the webhook URLs shown in settings. */
  publicUrl: () => string | undefined;
}

/** Where a one-click unsubscribe link points: the hotel, the guest, and the hotel's signature for that guest. */
export interface UnsubscribeLink {
  property: string;
  guest: string;
  token: string;
}

const INVALID_LINK = 'This unsubscribe link is not valid';

/** Signed Mailgun requests older (or newer) than this are refused. */
const MAILGUN_MAX_AGE_MS = 5 * 60_000;
/** Per hotel inbound address: burst and sustained deliveries per second before 429. */
const INBOUND_BURST = 120;
const INBOUND_PER_SECOND = 4;

function digestEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length > 0;
}

function basicCredentials(authorization: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

function withoutPlusTag(address: string): string {
  return address.replace(/\+[^@]*@/, '@');
}

/**
 * The email channel (issue 6 §3): hotel settings, the three inbound webhooks (SendGrid Inbound
 * Parse, Mailgun routes, Postmark inbound), and the inbound queue worker step that turns a stored email
 * into a guest message in the right conversation.
 */
export class EmailChannelService {
  /** Addresses refused before their body is read, until when. */
  private readonly refusedUntil = new Map<string, number>();

  constructor(private readonly deps: EmailChannelDeps) {}

  // ----- settings --------------------------------------------------------------------------

  configure(propertyId: string, input: EmailChannelInput, actor: Actor): EmailChannelView {
    const existing = this.deps.channels.get<EmailSecrets, Record<string, unknown>>(propertyId, 'email');
    const stored: EmailSecrets = existing?.secrets ?? {};
    const secrets: Record<keyof EmailSecrets, string | undefined> = {
      apiKey: input.apiKey,
      smtpPassword: input.smtpPassword,
      webhookKey: input.webhookKey,
      signingKey: input.signingKey,
      webhookPassword: input.webhookPassword,
    };
    let generatedKey: string | undefined;
    if (input.provider === 'sendgrid' && !input.webhookKey && !stored.webhookKey) secrets.webhookKey = generatedKey = randomBytes(24).toString('base64url');
    const has = (k: keyof EmailSecrets) => Boolean(secrets[k] ?? stored[k]);
    const missing: string[] = [];
    if (input.provider === 'mailgun' && !has('signingKey')) missing.push('signingKey');
    if (input.provider === 'postmark' && !input.webhookUsername) missing.push('webhookUsername');
    if (input.provider === 'postmark' && !has('webhookPassword')) missing.push('webhookPassword');
    if (input.sendVia === 'api' && !has('apiKey')) missing.push('apiKey');
    if (input.sendVia === 'smtp' && !input.smtpHost) missing.push('smtpHost');
    // Postmark's inbound addresses cannot send; replies need a verified sender signature.
    if (!input.fromAddress && input.inboundAddress.endsWith('@inbound.postmarkapp.com')) missing.push('fromAddress');
    if (missing.length > 0) {
      throw new ValidationError(`Missing for ${input.provider} with sending by ${input.sendVia}: ${missing.join(', ')}`, missing.map((path) => ({ path, message: 'Required' })));
    }
    const settings: EmailSettings = {
      provider: input.provider,
      fromAddress: input.fromAddress ?? input.inboundAddress,
      fromName: input.fromName ?? null,
      sendVia: input.sendVia,
      smtpHost: input.smtpHost ?? null,
      smtpPort: input.sendVia === 'smtp' ? (input.smtpPort ?? 587) : (input.smtpPort ?? null),
      smtpUser: input.smtpUser ?? null,
      mailgunDomain: input.mailgunDomain ?? null,
      webhookUsername: input.webhookUsername ?? null,
    };
    this.deps.channels.put(propertyId, 'email', { routingKey: input.inboundAddress, secrets, settings, active: input.active }, actor);
    return this.view(propertyId, generatedKey);
  }

  /** The hotel's email settings without secrets; a freshly generated SendGrid key appears in this one answer only. */
  view(propertyId: string, generatedKey?: string): EmailChannelView {
    const b = this.deps.channels.require<EmailSecrets, Record<string, unknown>>(propertyId, 'email');
    const s = EmailSettings.parse(b.settings);
    const { url, note } = this.webhookUrl(s, generatedKey);
    return {
      propertyId: b.propertyId,
      channel: 'email',
      provider: s.provider,
      inboundAddress: b.routingKey,
      fromAddress: s.fromAddress,
      fromName: s.fromName,
      sendVia: s.sendVia,
      smtpHost: s.smtpHost,
      smtpPort: s.smtpPort,
      smtpUser: s.smtpUser,
      mailgunDomain: s.mailgunDomain,
      active: b.active,
      secretsSet: Object.keys(b.secrets).sort(),
      webhookUrl: url,
      webhookNote: note,
      updatedAt: b.updatedAt,
    };
  }

  private webhookUrl(s: EmailSettings, generatedKey: string | undefined): { url: string; note: string } {
    const base = (this.deps.publicUrl() ?? 'https://<public tunnel URL>').replace(/\/+$/, '');
    switch (s.provider) {
      case 'sendgrid':
        return {
          url: `${base}/webhooks/email/sendgrid?key=${generatedKey ?? '<webhook key>'}`,
          note: generatedKey
            ? 'Paste this URL into the SendGrid Inbound Parse setting. It contains a secret key that is shown only now; Inbound Parse is unsigned, so the key is what proves a request comes from your SendGrid account.'
            : 'Inbound Parse URL; the webhook key was shown when it was generated (or is the one you chose). Send a new webhookKey to replace it.',
        };
      case 'mailgun':
        return {
          url: `${base}/webhooks/email/mailgun`,
          note: 'Use as the Mailgun route action forward("<url>"); append /mime to receive the raw message. Requests are verified with your webhook signing key, must be fresher than 5 minutes and are never accepted twice.',
        };
      case 'postmark': {
        const m = /^(https?:\/\/)(.*)$/.exec(base);
        const user = s.webhookUsername ?? '<username>';
        return {
          url: m ? `${m[1]}${user}:<webhook password>@${m[2]}/webhooks/email/postmark` : `${base}/webhooks/email/postmark`,
          note: 'Paste as the Postmark inbound webhook URL with your webhook username and password in it (HTTP basic auth).',
        };
      }
    }
  }

  // ----- inbound webhooks ------------------------------------------------------------------

  private match(provider: EmailProvider, recipients: string[]): EmailBinding | undefined {
    for (const address of recipients) {
      const b = this.deps.channels.resolve<EmailSecrets, EmailSettings>('email', address) ?? this.deps.channels.resolve<EmailSecrets, EmailSettings>('email', withoutPlusTag(address));
      if (b) {
        if (b.settings.provider !== provider) throw new ForbiddenError(`This address is set up for ${b.settings.provider}, not ${provider}`);
        return b;
      }
    }
    return undefined;
  }

  private unmatched(provider: EmailProvider, recipients: string[]): WebhookReceipt {
    const domains = [...new Set(recipients.map((r) => r.split('@')[1] ?? '?'))].slice(0, 5);
    this.deps.log.info({ provider, recipientDomains: domains }, 'inbound email for an address bound to no hotel: acknowledged and dropped');
    return { status: 'unmatched' };
  }

  /** Refuses an address that used up its allowance of webhooks not taken, before its body is read (429). */
  admit(address: string): void {
    const until = this.refusedUntil.get(address);
    if (until === undefined) return;
    const waitMs = until - this.deps.clock.now().getTime();
    if (waitMs > 0) throw new TooManyRequestsError(Math.ceil(waitMs / 1000), 'Too many requests; slow down');
    this.refusedUntil.delete(address);
  }

  /**
   * A webhook not taken (unbound address or failed authentication) costs its sender a token from a
   * persistent bucket; past the allowance, 429 (and refused before the body is read for a while).
   */
  notTaken(address: string, provider: EmailProvider, reason: string): WebhookReceipt {
    this.deps.log.warn({ provider, reason }, 'email webhook not taken');
    try {
      this.deps.channels.limit(`email-refused:${address}`, REFUSED_BURST, REFUSED_PER_SECOND);
    } catch (err) {
      if (err instanceof TooManyRequestsError) {
        if (this.refusedUntil.size > 10_000) this.refusedUntil.clear();
        this.refusedUntil.set(address, this.deps.clock.now().getTime() + err.retryAfterSeconds * 1000);
      }
      throw err;
    }
    return NOT_TAKEN;
  }

  /** Commits the raw event and its idempotency receipt; the webhook is answered only after this returns (D5). */
  private async store(binding: EmailBinding, delivery: Delivery): Promise<WebhookReceipt> {
    this.deps.channels.limit(`email:${binding.id}`, INBOUND_BURST, INBOUND_PER_SECOND);
    const id = dedupeKey(delivery.messageId, delivery.stored);
    const payload = JSON.stringify({ ...delivery.stored, id });
    // Serialising a large email and committing it (encryption, megabytes to SQLite) are two turns of the event loop.
    await nextTurn();
    const r = this.deps.inboundQueue.accept({ propertyId: binding.propertyId, provider: 'email', externalId: id, eventType: 'message', payload });
    return { status: r.duplicate ? 'duplicate' : 'accepted' };
  }

  /** SendGrid Inbound Parse carries no signature: the per-hotel key in the URL authenticates it (A1). */
  async receiveSendGrid(form: FormBody, key: string | undefined): Promise<WebhookReceipt> {
    const delivery = sendgridDelivery(form);
    const binding = this.match('sendgrid', delivery.recipients);
    if (!binding) return this.unmatched('sendgrid', delivery.recipients);
    if (!digestEqual(key ?? '', binding.secrets.webhookKey ?? '')) throw new UnauthorizedError('Wrong or missing webhook key');
    return this.store(binding, delivery);
  }

  /** Mailgun: HMAC-SHA256(signing key, timestamp + token) in constant time, fresh timestamp, unused token. */
  async receiveMailgun(form: FormBody): Promise<WebhookReceipt> {
    const { delivery, signature } = mailgunDelivery(form);
    const binding = this.match('mailgun', delivery.recipients);
    if (!binding) return this.unmatched('mailgun', delivery.recipients);
    const signingKey = binding.secrets.signingKey ?? '';
    if (!signingKey || !signature.timestamp || !signature.token || !signature.signature) throw new UnauthorizedError('Missing Mailgun signature');
    const expected = createHmac('sha256', signingKey).update(signature.timestamp + signature.token).digest('hex');
    if (!digestEqual(signature.signature, expected)) throw new UnauthorizedError('The Mailgun signature does not match');
    const nowMs = this.deps.clock.now().getTime();
    const ts = Number(signature.timestamp);
    if (!Number.isFinite(ts) || Math.abs(nowMs - ts * 1000) > MAILGUN_MAX_AGE_MS) throw new UnauthorizedError('The Mailgun signature is stale (timestamp outside 5 minutes)');
    const threads = new EmailThreadRepository(this.deps.scope(binding.propertyId));
    if (!threads.consumeToken(signature.token, nowMs, 2 * MAILGUN_MAX_AGE_MS + 60_000)) throw new UnauthorizedError('This Mailgun token was already used');
    try {
      return await this.store(binding, delivery);
    } catch (err) {
      threads.releaseToken(signature.token);
      throw err;
    }
  }

  /** Postmark inbound has no signature: HTTP basic auth with the hotel's webhook credentials (A1). */
  async receivePostmark(body: unknown, authorization: string | undefined): Promise<WebhookReceipt> {
    const delivery = postmarkDelivery(body);
    const binding = this.match('postmark', delivery.recipients);
    if (!binding) return this.unmatched('postmark', delivery.recipients);
    const creds = basicCredentials(authorization);
    const userOk = digestEqual(creds?.user ?? '', binding.settings.webhookUsername ?? '');
    const passwordOk = digestEqual(creds?.password ?? '', binding.secrets.webhookPassword ?? '');
    if (!userOk || !passwordOk) throw new UnauthorizedError('Wrong or missing webhook credentials');
    return this.store(binding, delivery);
  }

  // ----- inbound queue worker ----------------------------------------------------------------------

  /**
   * Parses one stored email and hands the new reply to the pipeline. Idempotent: the thread
   * mapping is insert-or-keep and the pipeline skips a Message-ID it has stored already.
   */
  readonly handleInbound: InboundHandler = async (scope, payload, meta) => {
    const stored = StoredEmail.parse(JSON.parse(payload));
    const email = await readEmail(stored);
    const log = this.deps.log.child({ propertyId: scope.property.id, eventId: meta.eventId, channel: 'email' });
    if (email.automated) {
      log.info({ reason: email.automated }, 'automated email (bounce, auto-reply or list mail) not answered');
      return;
    }
    const guestAddress = email.replyToAddress ?? email.from.email;
    if (!guestAddress) {
      log.warn('email without a sender address ignored');
      return;
    }
    const binding = this.deps.channels.get<EmailSecrets, Partial<EmailSettings>>(scope.property.id, 'email');
    const ours = new Set([binding?.routingKey, binding?.settings.fromAddress].filter((a): a is string => Boolean(a)).map((a) => a.toLowerCase()));
    if (ours.has(guestAddress) || (email.from.email && ours.has(email.from.email))) {
      log.warn('email from the hotel’s own address ignored (mail loop)');
      return;
    }
    if (!email.text.trim()) {
      log.info('empty email (no text, subject or attachment) ignored');
      return;
    }
    const ownId = stored.id ?? dedupeKey(email.messageId, stored);
    const threads = new EmailThreadRepository(scope);
    // Most specific first: the message it answers, then the thread from newest to root.
    const candidates = [...email.inReplyTo, ...[...email.references].reverse()];
    const known = threads.lookup([...candidates, ownId]);
    const threadKey = candidates.map((id) => known.get(id)).find((k) => k !== undefined) ?? known.get(ownId) ?? threads.threadKeyOf(ownId);
    threads.record(ownId, threadKey, 'inbound', this.deps.clock.now().toISOString());
    const replyTo: EmailReplyTo = {
      email: guestAddress,
      subject: email.subject,
      messageId: email.messageId,
      references: (email.references.length > 0 ? email.references : email.inReplyTo).slice(-20),
      threadKey,
    };
    const msg = {
      channel: 'email' as const,
      threadKey,
      externalId: ownId,
      text: email.text,
      from: { name: email.from.name, email: email.from.email ?? guestAddress },
      receivedAt: meta.receivedAt,
      backlog: meta.backlog,
      replyTo: { ...replyTo },
    };
    // Reading a large stored email and storing the guest's message are two turns of the event loop.
    await nextTurn();
    // A guest may write STOP in the subject line, above an unrelated body (or quoted history).
    await this.deps.optOuts.handle(scope, msg, (m) => this.deps.pipeline.handle(scope, m), bareSubject(email.subject));
  };

  // ----- one-click unsubscribe (RFC 8058) ---------------------------------------------------

  /** The hotel named on the confirmation page of a genuine link; a forged or stale link is refused. */
  unsubscribePage(link: UnsubscribeLink): { hotel: string } {
    const scope = this.linkScope(link);
    if (!this.deps.optOuts.validUnsubscribe(scope, link.guest, link.token)) throw new ForbiddenError(INVALID_LINK);
    return { hotel: scope.property.name };
  }

  /** Opts the guest out (time and channel recorded, B7), as a STOP would; repeating it changes nothing. */
  unsubscribe(link: UnsubscribeLink): { hotel: string; result: 'recorded' | 'already' } {
    const scope = this.linkScope(link);
    const result = this.deps.optOuts.unsubscribe(scope, link.guest, link.token, 'email');
    if (result === 'invalid') throw new ForbiddenError(INVALID_LINK);
    this.deps.log.info({ propertyId: scope.property.id, result }, 'guest unsubscribed by email link');
    return { hotel: scope.property.name, result };
  }

  private linkScope(link: UnsubscribeLink): PropertyScope {
    try {
      return this.deps.scope(link.property);
    } catch {
      // The same answer as a bad signature: a link says nothing about which hotels exist.
      throw new ForbiddenError(INVALID_LINK);
    }
  }
}
