import { NotFoundError } from '../../../shared/errors.js';
import type { ChannelBindingService } from '../channel-binding.service.js';
import { CHECK_TIMEOUT_MS, providerGet, type CheckOutcome, type CredentialProbe } from '../channel-check.service.js';
import { EmailSettings, type EmailSecrets } from './email.schemas.js';
import type { EmailApiBases } from './email.sender.js';
import { smtpTransport } from './smtp-transport.js';

/** Email's credentials check: the provider's API (SendGrid scopes, Mailgun domain, Postmark server) or the SMTP login. */
export function emailCredentialProbe(deps: { channels: ChannelBindingService; apiBases: EmailApiBases }): CredentialProbe {
  return async (propertyId) => {
    const binding = deps.channels.get<EmailSecrets>(propertyId, 'email');
    if (!binding) throw new NotFoundError('Email is not set up for this hotel');
    const settings = EmailSettings.safeParse(binding.settings);
    if (!settings.success) return { state: 'rejected', detail: 'The email settings are incomplete; set them up again.' };
    const s = settings.data;
    if (s.sendVia === 'smtp') return smtpCheck(s, binding.secrets);
    const key = binding.secrets.apiKey;
    if (!key) return { state: 'rejected', detail: 'No API key is stored for sending.' };
    const bases = deps.apiBases;
    const call: { name: string; url: string; headers: Record<string, string> } = {
      sendgrid: { name: 'SendGrid', url: `${bases.sendgrid}/v3/scopes`, headers: { authorization: `Bearer ${key}` } },
      mailgun: {
        name: 'Mailgun',
        url: `${bases.mailgun}/v3/domains/${encodeURIComponent(s.mailgunDomain ?? s.fromAddress.split('@')[1] ?? '')}`,
        headers: { authorization: `Basic ${Buffer.from(`api:${key}`).toString('base64')}` },
      },
      postmark: { name: 'Postmark', url: `${bases.postmark}/server`, headers: { 'x-postmark-server-token': key } },
    }[s.provider];
    const answer = await providerGet(call.name, call.url, { accept: 'application/json', ...call.headers });
    if ('state' in answer) return answer;
    if (answer.status >= 200 && answer.status < 300) return { state: 'connected', detail: `${call.name} accepts the API key.` };
    if (answer.status === 401 || answer.status === 403) return { state: 'rejected', detail: `${call.name} refused the API key (${answer.status}).` };
    if (answer.status === 404 && s.provider === 'mailgun') return { state: 'rejected', detail: `Mailgun does not know the sending domain ${s.mailgunDomain ?? ''} for this API key.` };
    return { state: 'unreachable', detail: `${call.name} answered ${answer.status}; try again later.` };
  };
}

/** The SMTP server's answer to connect, TLS and log in (`verify`). */
async function smtpCheck(s: EmailSettings, secrets: EmailSecrets): Promise<CheckOutcome> {
  if (!s.smtpHost) return { state: 'rejected', detail: 'No SMTP host is set.' };
  const port = s.smtpPort ?? 587;
  const transport = smtpTransport({ ...s, smtpHost: s.smtpHost }, secrets, CHECK_TIMEOUT_MS);
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
