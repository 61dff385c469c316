import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelCheck, ChannelSummary } from '../../server/contract/channels.js';
import { startEmailProviderStub, startSmtpStub, type EmailProviderStub, type SmtpStub } from '../support/email-provider-stub.js';
import { startGraphStub, type GraphStub } from '../support/graph-stub.js';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.js';

/**
 * "Connected" only after the provider said so: WhatsApp credentials checked against the Graph API
 * stand-in, email against the provider API and SMTP stand-ins, with Credentials rejected and
 * Unreachable when they are not, and the time of the last check.
 */

let s: TestServer;
let graph: GraphStub;
let email: EmailProviderStub;
let smtp: SmtpStub;
let closedPort = 0;
let manager: StaffClient;
const WA = { phoneNumberId: '106540352242922', appSecret: 'check-app-secret-123', accessToken: 'EAAcheck-token-123', verifyToken: 'check-verify-token' };

beforeAll(async () => {
  graph = await startGraphStub();
  email = await startEmailProviderStub();
  smtp = await startSmtpStub();
  // A port that refuses connections: a provider that cannot be reached.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  s = await startTestServer({
    env: { NOCTURN_WHATSAPP_API_BASE: graph.url, NOCTURN_SENDGRID_API_BASE: email.url, NOCTURN_MAILGUN_API_BASE: `http://127.0.0.1:${closedPort}`, NOCTURN_POSTMARK_API_BASE: email.url },
  });
  for (const slug of ['harbour', 'lagoon', 'smtp-hotel']) {
    expect((await s.admin.post('/api/v1/properties', { name: slug, slug, timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' })).status).toBe(201);
  }
  manager = await s.staff('manager');
});
afterAll(async () => {
  await s.stop();
  await graph.close();
  await email.close();
  await smtp.close();
});

const check = async (client: StaffClient, hotel: string, channel: string) => client.post(`/api/v1/properties/${hotel}/channels/${channel}/check`);
async function summary(hotel: string, channel: string): Promise<ChannelSummary> {
  const list = (await (await manager.get(`/api/v1/properties/${hotel}/channels`)).json()) as { items: ChannelSummary[] };
  return list.items.find((c) => c.channel === channel)!;
}

describe('WhatsApp credentials check', () => {
  it('is Connected when the Graph API answers for the phone number with the token, and the screen keeps when', async () => {
    expect((await s.admin.put('/api/v1/properties/harbour/channels/whatsapp', WA)).status).toBe(200);
    expect((await summary('harbour', 'whatsapp')).check).toBeNull();
    const res = await check(manager, 'harbour', 'whatsapp');
    expect(res.status).toBe(200);
    const result = (await res.json()) as ChannelCheck;
    expect(result).toMatchObject({ state: 'connected', detail: expect.stringContaining('+1 555-078-3881') });
    const asked = graph.requests.at(-1)!;
    expect(asked).toMatchObject({ method: 'GET', authorization: `Bearer ${WA.accessToken}` });
    expect(asked.path).toMatch(new RegExp(`^/v24.0/${WA.phoneNumberId}\\?fields=`));
    expect(graph.delivered()).toEqual([]); // nothing was sent to anyone
    expect((await summary('harbour', 'whatsapp')).check).toEqual(result);
  });

  it('is Credentials rejected when Meta refuses the token, and Unreachable when Meta does not answer usefully', async () => {
    graph.once({ kind: 'error', status: 401, code: 190, message: 'Error validating access token: Session has expired' });
    expect(((await (await check(manager, 'harbour', 'whatsapp')).json()) as ChannelCheck)).toMatchObject({ state: 'rejected', detail: expect.stringContaining('Session has expired') });
    graph.once({ kind: 'status', status: 503 });
    expect(((await (await check(manager, 'harbour', 'whatsapp')).json()) as ChannelCheck).state).toBe('unreachable');
  });

  it('forgets the answer when the channel is set up again, so made-up credentials never show as Connected', async () => {
    expect((await s.admin.put('/api/v1/properties/harbour/channels/whatsapp', { ...WA, accessToken: 'EAAmade-up-token-999' })).status).toBe(200);
    expect((await summary('harbour', 'whatsapp')).check).toBeNull();
  });

  it('is for those who may see channels; agents are refused, and only WhatsApp and email can be checked', async () => {
    const agent = await s.staff('agent');
    expect((await check(agent, 'harbour', 'whatsapp')).status).toBe(403);
    expect((await check(manager, 'harbour', 'widget')).status).toBe(404);
    expect((await check(manager, 'lagoon', 'whatsapp')).status).toBe(404);
  });
});

describe('email credentials check', () => {
  it("asks the provider's API with the stored key: Connected, then Credentials rejected", async () => {
    expect((await s.admin.put('/api/v1/properties/lagoon/channels/email', { provider: 'sendgrid', inboundAddress: 'stay@lagoon.test', apiKey: 'SG.check-key-123' })).status).toBe(200);
    const ok = (await (await check(manager, 'lagoon', 'email')).json()) as ChannelCheck;
    expect(ok).toMatchObject({ state: 'connected', detail: 'SendGrid accepts the API key.' });
    expect(email.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v3/scopes', headers: expect.objectContaining({ authorization: 'Bearer SG.check-key-123' }) });
    email.script({ status: 401, body: { errors: [{ message: 'The provided authorization grant is invalid' }] } });
    expect(((await (await check(manager, 'lagoon', 'email')).json()) as ChannelCheck)).toMatchObject({ state: 'rejected', detail: 'SendGrid refused the API key (401).' });

    expect((await s.admin.put('/api/v1/properties/lagoon/channels/email', { provider: 'postmark', inboundAddress: 'stay@lagoon.test', apiKey: 'postmark-token-123', webhookUsername: 'lagoon-hook', webhookPassword: 'lagoon-hook-pass-123' })).status).toBe(200);
    expect(((await (await check(manager, 'lagoon', 'email')).json()) as ChannelCheck).state).toBe('connected');
    expect(email.requests.at(-1)).toMatchObject({ path: '/server', headers: expect.objectContaining({ 'x-postmark-server-token': 'postmark-token-123' }) });

    // Mailgun's API base points at a closed port here.
    expect((await s.admin.put('/api/v1/properties/lagoon/channels/email', { provider: 'mailgun', inboundAddress: 'stay@lagoon.test', apiKey: 'mailgun-key-123', signingKey: 'mailgun-signing-123' })).status).toBe(200);
    expect(((await (await check(manager, 'lagoon', 'email')).json()) as ChannelCheck)).toMatchObject({ state: 'unreachable', detail: expect.stringContaining('Mailgun could not be reached') });
  });

  it('logs in to the SMTP server (verify): Connected, Credentials rejected, Unreachable', async () => {
    const smtpHotel = (port: number) =>
      s.admin.put('/api/v1/properties/smtp-hotel/channels/email', {
        provider: 'sendgrid',
        inboundAddress: 'desk@smtp-hotel.test',
        sendVia: 'smtp',
        smtpHost: '127.0.0.1',
        smtpPort: port,
        smtpUser: 'desk',
        smtpPassword: 'smtp-pass-123',
      });
    expect((await smtpHotel(smtp.port)).status).toBe(200);
    expect(((await (await check(manager, 'smtp-hotel', 'email')).json()) as ChannelCheck).state).toBe('connected');
    expect(smtp.messages).toEqual([]); // a login, not a message
    smtp.authReply = '535 5.7.8 Authentication credentials invalid';
    expect(((await (await check(manager, 'smtp-hotel', 'email')).json()) as ChannelCheck)).toMatchObject({ state: 'rejected', detail: expect.stringContaining('refused the user name or password') });
    smtp.authReply = '235 2.7.0 Authentication successful';
    expect((await smtpHotel(closedPort)).status).toBe(200);
    expect(((await (await check(manager, 'smtp-hotel', 'email')).json()) as ChannelCheck).state).toBe('unreachable');
  });
});
