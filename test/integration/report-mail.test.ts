import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { ReportScheduler } from '../../server/features/reports/report.scheduler.js';
import { startEmailProviderStub, startSmtpStub, type EmailProviderStub, type SmtpStub } from '../support/email-provider-stub.js';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.js';

/**
 * Daily and weekly reports in the managers' mailboxes: only to those who opted in and may read the
 * hotel's reports, through the hotel's own email channel (provider API stand-in, SMTP stand-in),
 * with the PDF attached and no guest contact details; and a test send from the Reports screen.
 */

let s: TestServer;
let api: EmailProviderStub;
let smtp: SmtpStub;
let gm: StaffClient & { email: string };
let quiet: StaffClient & { email: string };
let other: StaffClient & { email: string };
const GUEST = { name: 'Nur Aina', phone: '+60127779999', email: 'nur.aina@guest.example' };

interface SendGridMail {
  personalizations: { to: { email: string }[] }[];
  subject: string;
  content: { value: string }[];
  attachments: { content: string; filename: string; type: string }[];
}
const mails = () => api.requests.filter((r) => r.path === '/v3/mail/send').map((r) => JSON.parse(r.body) as SendGridMail);

beforeAll(async () => {
  api = await startEmailProviderStub();
  smtp = await startSmtpStub();
  s = await startTestServer({ env: { NOCTURN_SENDGRID_API_BASE: api.url, NOCTURN_MAILGUN_API_BASE: api.url, NOCTURN_POSTMARK_API_BASE: api.url, NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_EMBEDDER: 'none' } });
  const ids: Record<string, string> = {};
  for (const slug of ['harbour', 'lagoon']) {
    const res = await s.admin.post('/api/v1/properties', { name: slug === 'harbour' ? 'Harbour View' : 'Lagoon Lodge', slug, timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
    ids[slug] = ((await res.json()) as { id: string }).id;
  }
  expect((await s.admin.put('/api/v1/properties/harbour/channels/email', { provider: 'sendgrid', inboundAddress: 'desk@harbour.test', apiKey: 'SG.report-key-123', fromName: 'Harbour View' })).status).toBe(200);
  gm = await s.staff('manager', [ids.harbour!]);
  quiet = await s.staff('manager', [ids.harbour!]);
  other = await s.staff('manager', [ids.lagoon!]);
  const msg: InboundMessage = { channel: 'test', threadKey: 'rm-1', externalId: 'rm-1', text: 'I would like to book a room for 2 adults', from: GUEST, receivedAt: new Date(Date.now() - 86_400_000) };
  await s.core.pipeline.handle(s.core.properties.scope('harbour'), msg);
});
afterAll(async () => {
  await s.stop();
  await api.close();
  await smtp.close();
});

describe('report e-mail preferences', () => {
  it('are off until a manager chooses them, and are for those who read reports', async () => {
    expect(await (await gm.get('/api/v1/account/report-mail')).json()).toEqual({ daily: false, weekly: false });
    const put = await gm.put('/api/v1/account/report-mail', { daily: true, weekly: true });
    expect(put.status).toBe(200);
    expect(await (await gm.get('/api/v1/account/report-mail')).json()).toEqual({ daily: true, weekly: true });
    expect((await other.put('/api/v1/account/report-mail', { daily: true, weekly: false })).status).toBe(200);
    expect((await gm.put('/api/v1/account/report-mail', { daily: 'yes' })).status).toBe(400);
    const agent = await s.staff('agent');
    expect((await agent.get('/api/v1/account/report-mail')).status).toBe(403);
    expect((await agent.post('/api/v1/properties/harbour/reports/test-mail')).status).toBe(403);
  });
});

describe('scheduled report e-mails', () => {
  it('go to the opted-in managers of the hotel only, with the PDF attached and no guest contact details', async () => {
    const delivered: Promise<unknown>[] = [];
    const scheduler = new ReportScheduler(s.core.reports, s.core.properties, { dailyTime: '00:00', weeklyDay: 'mon' }, s.core.log, 60_000, (scope, report) => {
      delivered.push(s.core.reportMail.deliver(scope, report));
    });
    const made = scheduler.tick().filter((r) => r.propertyId === s.core.properties.get('harbour').id);
    expect(made.map((r) => r.kind).sort()).toEqual(['daily', 'weekly']);
    const results = (await Promise.all(delivered)) as { sent: number; failed: number }[];
    // Harbour: the opted-in manager, both reports; Lagoon has no email channel, so its opted-in manager gets nothing.
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2);

    const sent = mails();
    expect(sent).toHaveLength(2);
    for (const mail of sent) {
      expect(mail.personalizations[0]!.to).toEqual([{ email: gm.email }]);
      expect(mail.subject).toMatch(/^(Daily|Weekly) report: Harbour View, /);
      const pdf = Buffer.from(mail.attachments[0]!.content, 'base64');
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(mail.attachments[0]).toMatchObject({ type: 'application/pdf', filename: expect.stringMatching(/^harbour-(daily|weekly)-.*\.pdf$/) });
      const everything = JSON.stringify(mail) + pdf.toString('latin1');
      for (const contact of [GUEST.phone, GUEST.email, '60127779999']) expect(everything).not.toContain(contact);
      expect(mail.content[0]!.value).toContain('Inquiries: ');
    }
    expect(sent.some((m) => m.personalizations[0]!.to[0]!.email === quiet.email)).toBe(false);
    expect(s.logs()).not.toContain(GUEST.phone);
  });
});

describe('a test send', () => {
  it("mails the latest report to the manager asking, through the hotel's channel, and says so", async () => {
    const before = mails().length;
    const res = await quiet.post('/api/v1/properties/harbour/reports/test-mail');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sentTo: quiet.email });
    const mail = mails().slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/^\[Test\] /);
    expect(mail[0]!.personalizations[0]!.to).toEqual([{ email: quiet.email }]);
  });

  it('goes by SMTP when the hotel sends that way, and is refused plainly without an email channel or when the provider refuses', async () => {
    expect((await s.admin.put('/api/v1/properties/harbour/channels/email', { provider: 'sendgrid', inboundAddress: 'desk@harbour.test', sendVia: 'smtp', smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpUser: 'desk', smtpPassword: 'smtp-pass-123' })).status).toBe(200);
    expect((await gm.post('/api/v1/properties/harbour/reports/test-mail')).status).toBe(200);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.data).toMatch(/Content-Type: application\/pdf/i);

    const lagoon = await other.post('/api/v1/properties/lagoon/reports/test-mail');
    expect(lagoon.status).toBe(400);
    expect(((await lagoon.json()) as { detail: string }).detail).toMatch(/Set up the hotel’s email channel first/);

    expect((await s.admin.put('/api/v1/properties/harbour/channels/email', { provider: 'sendgrid', inboundAddress: 'desk@harbour.test', sendVia: 'api', apiKey: 'SG.report-key-123' })).status).toBe(200);
    api.script({ status: 401, body: { errors: [{ message: 'bad key' }] } });
    const refused = await gm.post('/api/v1/properties/harbour/reports/test-mail');
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/SendGrid did not accept the report e-mail \(401/);
  });

  it('attaches the PDF the way Mailgun and Postmark take it', async () => {
    const base = { inboundAddress: 'desk@harbour.test', sendVia: 'api' };
    expect((await s.admin.put('/api/v1/properties/harbour/channels/email', { ...base, provider: 'mailgun', apiKey: 'mailgun-key-123', signingKey: 'mailgun-signing-123', mailgunDomain: 'mg.harbour.test' })).status).toBe(200);
    expect((await gm.post('/api/v1/properties/harbour/reports/test-mail')).status).toBe(200);
    const mg = api.requests.at(-1)!;
    expect(mg).toMatchObject({ provider: 'mailgun', method: 'POST', path: '/v3/mg.harbour.test/messages' });
    expect(mg.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(mg.body).toMatch(/name="attachment"; filename="harbour-[^"]+\.pdf"/);
    expect(mg.body).toContain(gm.email);

    expect((await s.admin.put('/api/v1/properties/harbour/channels/email', { ...base, provider: 'postmark', apiKey: 'postmark-token-123', webhookUsername: 'harbour-hook', webhookPassword: 'harbour-hook-pass-123' })).status).toBe(200);
    expect((await gm.post('/api/v1/properties/harbour/reports/test-mail')).status).toBe(200);
    const pm = api.requests.at(-1)!;
    expect(pm).toMatchObject({ provider: 'postmark', path: '/email', headers: expect.objectContaining({ 'x-postmark-server-token': 'postmark-token-123' }) });
    const body = JSON.parse(pm.body) as { To: string; Attachments: { Name: string; ContentType: string; Content: string }[] };
    expect(body.To).toBe(gm.email);
    expect(body.Attachments[0]).toMatchObject({ ContentType: 'application/pdf', Name: expect.stringMatching(/\.pdf$/) });
    expect(Buffer.from(body.Attachments[0]!.Content, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
