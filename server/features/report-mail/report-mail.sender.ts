import { smtpTransport } from '../channels/email/smtp-transport.js';
import { UpstreamError, ValidationError } from '../../shared/errors.js';
import type { ChannelBindingService } from '../channels/channel-binding.service.js';
import type { EmailApiBases } from '../channels/email/email.sender.js';
import { EmailSettings, type EmailSecrets } from '../channels/email/email.schemas.js';

/** One report e-mail to staff: plain text with the PDF attached. */
interface ReportMail {
  to: string;
  subject: string;
  text: string;
  attachment: { filename: string; content: Buffer };
}

/**
 * Sends a report to a staff member through the hotel's configured email channel (the same provider
 * API or SMTP server as guest replies, never the guest outbox): SendGrid, Mailgun or Postmark with
 * the PDF as an attachment, or SMTP through nodemailer.
 */
export class ReportMailSender {
  constructor(
    private readonly channels: ChannelBindingService,
    private readonly apiBases: EmailApiBases,
    private readonly timeoutMs = 20_000,
  ) {}

  /** Whether the hotel can send email at all (a set-up, active email channel). */
  canSend(propertyId: string): boolean {
    const binding = this.channels.get(propertyId, 'email');
    return Boolean(binding?.active && EmailSettings.safeParse(binding.settings).success);
  }

  async send(propertyId: string, hotelName: string, mail: ReportMail): Promise<void> {
    const binding = this.channels.get<EmailSecrets>(propertyId, 'email');
    const settings = binding?.active ? EmailSettings.safeParse(binding.settings) : undefined;
    if (!binding || !settings?.success) throw new ValidationError('Set up the hotel’s email channel first: reports are sent through it');
    const s = settings.data;
    const from = { email: s.fromAddress, name: s.fromName ?? hotelName };
    if (s.sendVia === 'smtp') return this.smtp(s, binding.secrets, from, mail);
    const key = binding.secrets.apiKey;
    if (!key) throw new ValidationError('The hotel’s email channel has no API key for sending');
    const base64 = mail.attachment.content.toString('base64');
    switch (s.provider) {
      case 'sendgrid':
        return this.post('SendGrid', `${this.apiBases.sendgrid}/v3/mail/send`, { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, JSON.stringify({
          personalizations: [{ to: [{ email: mail.to }] }],
          from: { email: from.email, name: from.name },
          subject: mail.subject,
          content: [{ type: 'text/plain', value: mail.text }],
          attachments: [{ content: base64, filename: mail.attachment.filename, type: 'application/pdf', disposition: 'attachment' }],
        }));
      case 'mailgun': {
        const form = new FormData();
        form.set('from', `${from.name.replace(/["\\\r\n]/g, '')} <${from.email}>`);
        form.set('to', mail.to);
        form.set('subject', mail.subject);
        form.set('text', mail.text);
        form.set('attachment', new Blob([new Uint8Array(mail.attachment.content)], { type: 'application/pdf' }), mail.attachment.filename);
        const domain = s.mailgunDomain ?? s.fromAddress.split('@')[1] ?? '';
        return this.post('Mailgun', `${this.apiBases.mailgun}/v3/${encodeURIComponent(domain)}/messages`, { authorization: `Basic ${Buffer.from(`api:${key}`).toString('base64')}` }, form);
      }
      case 'postmark':
        return this.post('Postmark', `${this.apiBases.postmark}/email`, { accept: 'application/json', 'content-type': 'application/json', 'x-postmark-server-token': key }, JSON.stringify({
          From: `${from.name.replace(/["\\\r\n]/g, '')} <${from.email}>`,
          To: mail.to,
          Subject: mail.subject,
          TextBody: mail.text,
          MessageStream: 'outbound',
          Attachments: [{ Name: mail.attachment.filename, Content: base64, ContentType: 'application/pdf' }],
        }));
    }
  }

  private async post(provider: string, url: string, headers: Record<string, string>, body: string | FormData): Promise<void> {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    } catch (err) {
      throw new UpstreamError(`${provider} could not be reached (${(err as Error).name === 'TimeoutError' ? 'timeout' : 'network error'})`);
    }
    const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    if (!res.ok) throw new UpstreamError(`${provider} did not accept the report e-mail (${res.status}${text ? `: ${text}` : ''})`);
  }

  private async smtp(s: EmailSettings, secrets: EmailSecrets, from: { email: string; name: string }, mail: ReportMail): Promise<void> {
    if (!s.smtpHost) throw new ValidationError('The hotel’s email channel has no SMTP host');
    const transport = smtpTransport({ ...s, smtpHost: s.smtpHost }, secrets, this.timeoutMs);
    try {
      await transport.sendMail({
        from: { name: from.name, address: from.email },
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        attachments: [{ filename: mail.attachment.filename, content: mail.attachment.content, contentType: 'application/pdf' }],
      });
    } catch (err) {
      throw new UpstreamError(`The SMTP server did not accept the report e-mail (${((err as { code?: string }).code ?? 'error').slice(0, 40)})`);
    } finally {
      transport.close();
    }
  }
}
