import { smtpTransport } from './email/smtp-transport.js';
import { ChannelCheck, type CheckableChannel } from '../../contract/channels.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ChannelBindingService } from './channel-binding.service.js';
import type { ChannelCheckRepository } from './channel-check.repository.js';
import type { EmailApiBases } from './email/email.sender.js';
import { EmailSettings, type EmailSecrets } from './email/email.schemas.js';
import type { WhatsAppSecrets } from './whatsapp/whatsapp.schemas.js';

export interface ChannelCheckDeps {
  channels: ChannelBindingService;
  repo: ChannelCheckRepository;
  clock: Clock;
  log: Logger;
  /** Graph API base including the version (NOCTURN_WHATSAPP_API_BASE). */
  whatsappApiBase: string;
  emailApiBases: EmailApiBases;
  /** Bound on one provider call or SMTP step. */
  timeoutMs?: number;
}

type Outcome = Pick<ChannelCheck, 'state' | 'detail'>;

/**
 * Asks each provider whether the stored credentials work, without sending anything to a guest:
 * WhatsApp reads the phone number with the access token (Graph API `GET /{phone-number-id}`);
 * email asks the provider's API (SendGrid scopes, Mailgun domain, Postmark server) or the SMTP
 * server (`verify`: connect, TLS, log in). The answer and its time are kept for the settings screen.
 */
export class ChannelCheckService {
  private readonly timeoutMs: number;

  constructor(private readonly deps: ChannelCheckDeps) {
    this.timeoutMs = deps.timeoutMs ?? 10_000;
  }

  /** The last check, unless the channel was set up again since (then its answer no longer holds). */
  last(propertyId: string, channel: CheckableChannel, changedAt: string | null): ChannelCheck | null {
    const check = ChannelCheck.safeParse(this.deps.repo.get(propertyId, channel)).data ?? null;
    return check && (!changedAt || check.checkedAt >= changedAt) ? check : null;
  }

  async check(propertyId: string, channel: CheckableChannel): Promise<ChannelCheck> {
    const outcome = channel === 'whatsapp' ? await this.whatsapp(propertyId) : await this.email(propertyId);
    const check: ChannelCheck = { ...outcome, checkedAt: this.deps.clock.now().toISOString() };
    this.deps.repo.save(propertyId, channel, check);
    this.deps.log.info({ propertyId, channel, state: check.state }, 'channel credentials checked');
    return check;
  }

  private async whatsapp(propertyId: string): Promise<Outcome> {
    const binding = this.deps.channels.get<WhatsAppSecrets>(propertyId, 'whatsapp');
    if (!binding) throw new NotFoundError('WhatsApp is not set up for this hotel');
    const url = `${this.deps.whatsappApiBase}/${encodeURIComponent(binding.routingKey)}?fields=display_phone_number,verified_name`;
    const answer = await this.get('WhatsApp', url, { authorization: `Bearer ${binding.secrets.accessToken}` });
    if ('state' in answer) return answer;
    const body = answer.json as { display_phone_number?: unknown; verified_name?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
    if (answer.status === 200 && body && typeof body.display_phone_number === 'string') {
      const name = typeof body.verified_name === 'string' ? ` (${body.verified_name})` : '';
      return { state: 'connected', detail: `WhatsApp answers for ${body.display_phone_number}${name}.` };
    }
    const code = typeof body?.error?.code === 'number' ? body.error.code : undefined;
    // 190: bad or expired token; 100 on this path: the token cannot see that phone number id.
    if (answer.status === 401 || answer.status === 403 || code === 190 || code === 100 || code === 10 || code === 200) {
      return { state: 'rejected', detail: `WhatsApp refused the access token for phone number id ${binding.routingKey}${typeof body?.error?.message === 'string' ? `: ${body.error.message.slice(0, 160)}` : ''}.` };
    }
    return { state: 'unreachable', detail: `WhatsApp answered ${answer.status}; try again later.` };
  }

  private async email(propertyId: string): Promise<Outcome> {
    const binding = this.deps.channels.get<EmailSecrets>(propertyId, 'email');
    if (!binding) throw new NotFoundError('Email is not set up for this hotel');
    const settings = EmailSettings.safeParse(binding.settings);
    if (!settings.success) return { state: 'rejected', detail: 'The email settings are incomplete; set them up again.' };
    const s = settings.data;
    if (s.sendVia === 'smtp') return this.smtp(s, binding.secrets);
    const key = binding.secrets.apiKey;
    if (!key) return { state: 'rejected', detail: 'No API key is stored for sending.' };
    const bases = this.deps.emailApiBases;
    const call: { name: string; url: string; headers: Record<string, string> } = {
      sendgrid: { name: 'SendGrid', url: `${bases.sendgrid}/v3/scopes`, headers: { authorization: `Bearer ${key}` } },
      mailgun: {
        name: 'Mailgun',
        url: `${bases.mailgun}/v3/domains/${encodeURIComponent(s.mailgunDomain ?? s.fromAddress.split('@')[1] ?? '')}`,
        headers: { authorization: `Basic ${Buffer.from(`api:${key}`).toString('base64')}` },
      },
      postmark: { name: 'Postmark', url: `${bases.postmark}/server`, headers: { 'x-postmark-server-token': key } },
    }[s.provider];
    const answer = await this.get(call.name, call.url, { accept: 'application/json', ...call.headers });
    if ('state' in answer) return answer;
    if (answer.status >= 200 && answer.status < 300) return { state: 'connected', detail: `${call.name} accepts the API key.` };
    if (answer.status === 401 || answer.status === 403) return { state: 'rejected', detail: `${call.name} refused the API key (${answer.status}).` };
    if (answer.status === 404 && s.provider === 'mailgun') return { state: 'rejected', detail: `Mailgun does not know the sending domain ${s.mailgunDomain ?? ''} for this API key.` };
    return { state: 'unreachable', detail: `${call.name} answered ${answer.status}; try again later.` };
  }

  private async smtp(s: EmailSettings, secrets: EmailSecrets): Promise<Outcome> {
    if (!s.smtpHost) return { state: 'rejected', detail: 'No SMTP host is set.' };
    const port = s.smtpPort ?? 587;
    const transport = smtpTransport({ ...s, smtpHost: s.smtpHost }, secrets, this.timeoutMs);
    try {
      await transport.verify();
      return { state: 'connected', detail: `The SMTP server ${s.smtpHost}:${port} accepts the login.` };
    } catch (err) {
      const e = err as { code?: string; responseCode?: number; message?: string };
      if (e.code === 'EAUTH' || (e.responseCode !== undefined && e.responseCode >= 530 && e.responseCode <= 535)) {
        return { state: 'rejected', detail: `The SMTP server ${s.smtpHost} refused the user name or password.` };
      }
      return { state: 'unreachable', detail: `The SMTP server ${s.smtpHost}:${port} could not be reached (${(e.code ?? e.message ?? 'error').slice(0, 80)}).` };
    } finally {
      transport.close();
    }
  }

  /** A GET with a timeout: the answer, or Unreachable when none came. */
  private async get(provider: string, url: string, headers: Record<string, string>): Promise<{ status: number; json: unknown } | Outcome> {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, json };
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      return { state: 'unreachable', detail: `${provider} ${timedOut ? 'did not answer in time' : 'could not be reached'}; check this computer's internet connection and try again.` };
    }
  }
}
