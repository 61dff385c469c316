import { smtpTransport } from './smtp-transport.js';
import type { Logger } from '../../../shared/logger.js';
import type { Clock } from '../../../shared/clock.js';
import { SendError, type ChannelSender, type OutboundMessage } from '../../outbox/channel-sender.port.js';
import type { PropertyScope } from '../../properties/property.service.js';
import type { ChannelBindingService } from '../channel-binding.service.js';
import { unsubscribeToken } from '../opt-out.js';
import { bareMessageId, replySubject } from './email-content.js';
import { EmailThreadRepository } from './email-thread.repository.js';
import { EmailReplyTo, EmailSettings, type EmailSecrets } from './email.schemas.js';

export interface EmailApiBases {
  sendgrid: string;
  mailgun: string;
  postmark: string;
}

interface EmailSenderDeps {
  channels: ChannelBindingService;
  apiBases: EmailApiBases;
  clock: Clock;
  log: Logger;
  /** Bound on one provider call or SMTP step. */
  timeoutMs?: number;
  /** The public listener's URL, for one-click unsubscribe links; without it only the mailto: link is given. */
  publicUrl?: () => string | undefined;
}

/** The path of the one-click unsubscribe link on the public listener (email.webhooks.ts serves it). */
export const UNSUBSCRIBE_PATH = '/webhooks/email/unsubscribe';

/** One reply, addressed and threaded. Message-IDs in angle brackets. */
interface OutboundMail {
  from: { email: string; name: string | null };
  /** The inbound address, when replies would otherwise go to a sender address Nocturn does not receive. */
  replyTo: string | null;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo: string | null;
  references: string | null;
  /** List-Unsubscribe and List-Unsubscribe-Post (RFC 2369, RFC 8058), on emails the hotel starts. */
  unsubscribe: Record<string, string>;
}

const wrap = (id: string) => `<${id}>`;

function mailboxHeader(from: OutboundMail['from']): string {
  const name = from.name?.replace(/["\\\r\n]/g, '').trim();
  return name ? `"${name}" <${from.email}>` : from.email;
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** References for a reply: the parent's references plus the parent, root kept, capped (RFC 5322 3.6.4). */
function referencesHeader(parentRefs: string[], parentId: string | null): string | null {
  const ids = [...new Set([...parentRefs, ...(parentId ? [parentId] : [])])];
  if (ids.length === 0) return null;
  const kept = ids.length > 12 ? [ids[0]!, ...ids.slice(-11)] : ids;
  return kept.map(wrap).join(' ');
}

/**
 * Delivers email replies from the outbox worker (never from a request): by SMTP through
 * nodemailer or through the provider's HTTP API (SendGrid v3 mail/send, Mailgun messages, Postmark
 * email). Replies carry In-Reply-To, References and "Re: subject" so the guest's client threads
 * them, and their Message-ID is remembered so the guest's answer finds the conversation.
 * 429, 5xx and network failures are retried; other refusals become dead letters.
 */
export class EmailChannelSender implements ChannelSender {
  readonly channel = 'email' as const;
  private readonly timeoutMs: number;

  constructor(private readonly deps: EmailSenderDeps) {
    this.timeoutMs = deps.timeoutMs ?? 20_000;
  }

  async send(scope: PropertyScope, message: OutboundMessage): Promise<{ providerMessageId?: string | undefined }> {
    const binding = this.deps.channels.get<EmailSecrets, Record<string, unknown>>(scope.property.id, 'email');
    if (!binding || !binding.active) throw new SendError('The email channel is not set up for this hotel', false);
    const settings = EmailSettings.safeParse(binding.settings);
    if (!settings.success) throw new SendError('The email channel settings are incomplete', false);
    const replyTo = EmailReplyTo.safeParse(message.replyTo ?? {});
    if (!replyTo.success || !replyTo.data.email.includes('@')) throw new SendError('This conversation has no guest email address to reply to', false);
    const s = settings.data;
    const rt = replyTo.data;
    const domain = s.fromAddress.split('@')[1] ?? 'nocturn.invalid';
    // Derived from the outbox id, so a retry of the same message keeps its Message-ID.
    const ownId = `nocturn.${message.outboxId}@${domain}`;
    const mail: OutboundMail = {
      from: { email: s.fromAddress, name: s.fromName ?? scope.property.name },
      replyTo: binding.routingKey !== s.fromAddress.toLowerCase() ? binding.routingKey : null,
      to: rt.email,
      subject: replySubject(rt.subject, scope.property.name),
      text: message.body,
      messageId: wrap(ownId),
      inReplyTo: rt.messageId ? wrap(rt.messageId) : null,
      references: referencesHeader(rt.references, rt.messageId),
      unsubscribe: message.kind === 'proactive' ? this.unsubscribeHeaders(scope, message, binding.routingKey) : {},
    };
    const threads = new EmailThreadRepository(scope);
    const at = this.deps.clock.now().toISOString();
    const threadKey = rt.threadKey ?? rt.messageId ?? ownId;
    threads.record(ownId, threadKey, 'outbound', at);
    const providerId = s.sendVia === 'smtp' ? await this.viaSmtp(s, binding.secrets, mail) : await this.viaApi(s, binding.secrets, mail);
    const bareProviderId = providerId ? bareMessageId(providerId) : null;
    if (bareProviderId && bareProviderId !== ownId) threads.record(bareProviderId, threadKey, 'outbound', at);
    return { providerMessageId: providerId ?? ownId };
  }

  /**
   * A follow-up the hotel starts can be stopped from the mail client: a mailto: link that sends
   * "unsubscribe" to the hotel's inbound address (read by the one opt-out policy), and, when the
   * public URL is known, a one-click link signed for this guest by this hotel (RFC 8058).
   */
  private unsubscribeHeaders(scope: PropertyScope, message: OutboundMessage, inbound: string): Record<string, string> {
    const links = [`<mailto:${inbound}?subject=unsubscribe>`];
    const guestId = message.guestId;
    const base = this.deps.publicUrl?.()?.replace(/\/+$/, '');
    if (base && guestId) {
      const query = new URLSearchParams({ p: scope.property.id, g: guestId, t: unsubscribeToken(scope, guestId) });
      links.push(`<${base}${UNSUBSCRIBE_PATH}?${query.toString()}>`);
    }
    return {
      'List-Unsubscribe': links.join(', '),
      ...(links.length > 1 ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
    };
  }

  private async viaApi(s: EmailSettings, secrets: EmailSecrets, mail: OutboundMail): Promise<string | null> {
    const apiKey = secrets.apiKey;
    if (!apiKey) throw new SendError(`No ${s.provider} API key is set for sending`, false);
    const mailHeaders = { 'Message-ID': mail.messageId, ...(mail.inReplyTo ? { 'In-Reply-To': mail.inReplyTo } : {}), ...(mail.references ? { References: mail.references } : {}), ...mail.unsubscribe };
    switch (s.provider) {
      case 'sendgrid': {
        const res = await this.post('SendGrid', `${trimBase(this.deps.apiBases.sendgrid)}/v3/mail/send`, {
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            personalizations: [{ to: [{ email: mail.to }] }],
            from: { email: mail.from.email, ...(mail.from.name ? { name: mail.from.name } : {}) },
            ...(mail.replyTo ? { reply_to: { email: mail.replyTo } } : {}),
            subject: mail.subject,
            content: [{ type: 'text/plain', value: mail.text }],
            headers: mailHeaders,
          }),
        });
        return res.headers.get('x-message-id');
      }
      case 'mailgun': {
        const domain = s.mailgunDomain ?? s.fromAddress.split('@')[1] ?? '';
        const form = new URLSearchParams({ from: mailboxHeader(mail.from), to: mail.to, subject: mail.subject, text: mail.text });
        if (mail.replyTo) form.set('h:Reply-To', mail.replyTo);
        for (const [k, v] of Object.entries(mailHeaders)) form.set(`h:${k === 'Message-ID' ? 'Message-Id' : k}`, v);
        const res = await this.post('Mailgun', `${trimBase(this.deps.apiBases.mailgun)}/v3/${encodeURIComponent(domain)}/messages`, {
          headers: { authorization: `Basic ${Buffer.from(`api:${apiKey}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        });
        const json = (await res.json().catch(() => ({}))) as { id?: unknown };
        return typeof json.id === 'string' ? json.id : null;
      }
      case 'postmark': {
        const res = await this.post('Postmark', `${trimBase(this.deps.apiBases.postmark)}/email`, {
          headers: { accept: 'application/json', 'content-type': 'application/json', 'x-postmark-server-token': apiKey },
          body: JSON.stringify({
            From: mailboxHeader(mail.from),
            To: mail.to,
            ...(mail.replyTo ? { ReplyTo: mail.replyTo } : {}),
            Subject: mail.subject,
            TextBody: mail.text,
            MessageStream: 'outbound',
            Headers: Object.entries(mailHeaders).map(([Name, Value]) => ({ Name, Value })),
          }),
        });
        const json = (await res.json().catch(() => ({}))) as { MessageID?: unknown; ErrorCode?: unknown; Message?: unknown };
        if (typeof json.ErrorCode === 'number' && json.ErrorCode !== 0) throw new SendError(`Postmark refused the message (${json.ErrorCode}): ${String(json.Message ?? '')}`.slice(0, 300), false);
        return typeof json.MessageID === 'string' ? json.MessageID : null;
      }
    }
  }

  private async post(provider: string, url: string, init: { headers: Record<string, string>; body: string }): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    } catch (err) {
      throw new SendError(`${provider} could not be reached (${(err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message})`, true);
    }
    if (res.ok) return res;
    const detail = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    const retryable = res.status === 429 || res.status === 408 || res.status >= 500;
    throw new SendError(`${provider} answered ${res.status}${detail ? `: ${detail}` : ''}`, retryable, retryable ? retryAfterMs(res.headers.get('retry-after')) : undefined);
  }

  private async viaSmtp(s: EmailSettings, secrets: EmailSecrets, mail: OutboundMail): Promise<string | null> {
    if (!s.smtpHost) throw new SendError('No SMTP host is set for sending', false);
    const transport = smtpTransport({ ...s, smtpHost: s.smtpHost }, secrets, this.timeoutMs);
    try {
      const info = await transport.sendMail({
        from: { name: mail.from.name ?? '', address: mail.from.email },
        to: mail.to,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references ? { references: mail.references } : {}),
        headers: mail.unsubscribe,
      });
      return typeof info.messageId === 'string' ? info.messageId : null;
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      const code = e.responseCode ?? 0;
      const permanent = code >= 500 || e.code === 'EAUTH' || (e.code === 'EENVELOPE' && !(code >= 400 && code < 500));
      throw new SendError(`SMTP ${code ? `${code} ` : ''}${e.code ?? ''}: ${(e.message ?? 'send failed').replace(/\s+/g, ' ').slice(0, 200)}`, !permanent);
    } finally {
      transport.close();
    }
  }
}

function trimBase(base: string): string {
  return base.replace(/\/+$/, '');
}
