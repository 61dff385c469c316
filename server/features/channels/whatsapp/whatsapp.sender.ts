import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import { SendError, type ChannelSender, type OutboundMessage } from '../../outbox/channel-sender.port.js';
import type { PropertyScope } from '../../properties/property.service.js';
import type { ChannelBindingService } from '../channel-binding.service.js';
import { REENGAGEMENT_CODE, explainGraphError, windowClosedMessage } from './whatsapp.errors.js';
import { GraphErrorEnvelope, GraphSendResponse, type WhatsAppSecrets, type WhatsAppSettings } from './whatsapp.schemas.js';

const WINDOW_MS = 24 * 60 * 60_000;
/** Leave a margin: a reply that is a minute too late is refused by Meta anyway. */
const WINDOW_MARGIN_MS = 2 * 60_000;
const MAX_BODY = 4096;

interface WhatsAppSenderSettings {
  /** Graph API base including the version, for example https://graph.facebook.com/v24.0. */
  apiBase: string;
  timeoutMs?: number;
}

class GraphCallError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number | undefined,
    readonly detail: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`Graph API ${httpStatus}${code !== undefined ? ` code ${code}` : ''}`);
  }
}

/**
 * Delivers outbox messages through the WhatsApp Cloud API: text inside the 24-hour customer
 * service window, the hotel's approved template outside it (or a dead letter telling staff why).
 * Graph error codes decide between backing off and giving up (REFERENCE.md §1.8).
 */
export class WhatsAppSender implements ChannelSender {
  readonly channel = 'whatsapp' as const;

  constructor(
    private readonly channels: ChannelBindingService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: WhatsAppSenderSettings,
  ) {}

  async send(scope: PropertyScope, message: OutboundMessage): Promise<{ providerMessageId?: string | undefined }> {
    const binding = this.channels.get<WhatsAppSecrets, WhatsAppSettings>(scope.property.id, 'whatsapp');
    if (!binding?.active) throw new SendError('WhatsApp is not set up (or is switched off) for this hotel; set it up under Settings > Channels, then retry', false);
    const to = recipientOf(message.replyTo);
    if (!to) throw new SendError('This conversation has no WhatsApp address to reply to', false);
    const ctx = { phoneNumberId: binding.routingKey, token: binding.secrets.accessToken, propertyId: scope.property.id, outboxId: message.outboxId };
    const last = message.lastGuestMessageAt ? Date.parse(message.lastGuestMessageAt) : NaN;
    const windowOpen = Number.isFinite(last) && this.clock.now().getTime() - last < WINDOW_MS - WINDOW_MARGIN_MS;
    const template = binding.settings.templateName ? { name: binding.settings.templateName, language: binding.settings.templateLanguage ?? 'en_US' } : undefined;
    const sendTemplate = async () => {
      if (!template) throw new SendError(windowClosedMessage(), false);
      this.log.info({ propertyId: ctx.propertyId, outboxId: ctx.outboxId, template: template.name }, 'WhatsApp window closed; sending the re-engagement template instead');
      return { providerMessageId: await this.call(ctx, { ...to, type: 'template', template: { name: template.name, language: { code: template.language } } }) };
    };
    if (!windowOpen) return sendTemplate();
    try {
      let first: string | undefined;
      for (const part of chunks(message.body)) {
        const id = await this.call(ctx, { ...to, type: 'text', text: { preview_url: false, body: part } });
        first ??= id;
      }
      return { providerMessageId: first };
    } catch (err) {
      if (err instanceof GraphCallError && err.code === REENGAGEMENT_CODE) return sendTemplate();
      throw toSendError(err);
    }
  }

  /**
   * Shows the guest their message was read and, with `typing`, "typing…" until the reply is sent
   * (or 25 s pass). Best effort: it never delays or fails the answer.
   */
  async markRead(scope: PropertyScope, wamid: string, typing: boolean): Promise<void> {
    const binding = this.channels.get<WhatsAppSecrets, WhatsAppSettings>(scope.property.id, 'whatsapp');
    if (!binding?.active) return;
    try {
      const res = await fetch(`${this.settings.apiBase}/${encodeURIComponent(binding.routingKey)}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${binding.secrets.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: wamid, ...(typing ? { typing_indicator: { type: 'text' } } : {}) }),
        signal: AbortSignal.timeout(5_000),
      });
      await res.body?.cancel();
      if (!res.ok) this.log.debug({ propertyId: scope.property.id, status: res.status }, 'WhatsApp read receipt not accepted');
    } catch (err) {
      this.log.debug({ propertyId: scope.property.id, reason: (err as Error).name }, 'WhatsApp read receipt not sent');
    }
  }

  /** POST {base}/{phone-number-id}/messages; returns the wamid. */
  private async call(ctx: { phoneNumberId: string; token: string }, body: Record<string, unknown>): Promise<string> {
    let res: Response;
    try {
      res = await fetch(`${this.settings.apiBase}/${encodeURIComponent(ctx.phoneNumberId)}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...body }),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new SendError(timedOut ? 'WhatsApp did not answer in time; retrying' : `Could not reach WhatsApp (${(err as Error).message}); retrying`, true);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.ok) {
      const ok = GraphSendResponse.safeParse(json);
      if (!ok.success) throw new SendError('WhatsApp accepted the request but returned no message id', false);
      return ok.data.messages[0]!.id;
    }
    const envelope = GraphErrorEnvelope.safeParse(json);
    const e = envelope.success ? envelope.data.error : undefined;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new GraphCallError(res.status, e?.code, (e?.error_data?.details ?? e?.message ?? '').slice(0, 200), Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
}

function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err instanceof GraphCallError) {
    const d = explainGraphError(err.code, err.httpStatus, err.detail);
    return new SendError(d.message, d.retryable, err.retryAfterMs ?? d.retryAfterMs);
  }
  return new SendError((err as Error).message, true);
}

/**
 * Who to send to: the WhatsApp id, or, for users who hide their number behind a username, the
 * business-scoped user id (⚠ accepted in `to` per Meta's BSUID rollout notes; unverified here).
 */
function recipientOf(replyTo: Record<string, unknown> | null): { to: string } | null {
  const waId = typeof replyTo?.waId === 'string' ? replyTo.waId : null;
  const userId = typeof replyTo?.userId === 'string' ? replyTo.userId : null;
  const to = waId ?? userId;
  return to ? { to } : null;
}

/** WhatsApp text bodies hold at most 4096 characters; longer replies go as several, split at paragraphs. */
export function chunks(body: string): string[] {
  if (body.length <= MAX_BODY) return [body];
  const out: string[] = [];
  let rest = body;
  while (rest.length > MAX_BODY) {
    const slice = rest.slice(0, MAX_BODY);
    // Prefer a paragraph break, then a line break, then a sentence end, in the second half.
    const at = [slice.lastIndexOf('\n\n'), slice.lastIndexOf('\n'), slice.lastIndexOf('. ') + 1].find((i) => i > MAX_BODY / 2) ?? MAX_BODY;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}
