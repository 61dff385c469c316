import nodemailer from 'nodemailer';
import type { EmailSecrets, EmailSettings } from './email.schemas.js';

/**
 * The hotel's SMTP transport, the one way every sender (guest replies, report mail, the channel
 * check) reaches its server: TLS from the start on 465, required on the submission port 587 so the
 * password never crosses an unencrypted connection, and every step bounded by `timeoutMs`.
 */
export function smtpTransport(s: EmailSettings & { smtpHost: string }, secrets: EmailSecrets, timeoutMs: number) {
  const port = s.smtpPort ?? 587;
  return nodemailer.createTransport({
    host: s.smtpHost,
    port,
    secure: port === 465,
    requireTLS: port === 587,
    ...(s.smtpUser ? { auth: { user: s.smtpUser, pass: secrets.smtpPassword ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
}
