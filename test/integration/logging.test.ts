import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.stop();
});

describe('logs hold no guest data (B3, E1)', () => {
  it('masks phone numbers and email addresses that arrive in requests', async () => {
    const phone = '+60 12-345 6789';
    const email = 'guest.person@example.com';
    await s.admin.fetch(`/api/v1/properties/${encodeURIComponent(email)}`);
    await s.admin.fetch(`/api/v1/properties/${encodeURIComponent(phone)}?email=${encodeURIComponent(email)}`);
    await s.admin.fetch(`/api/v1/properties`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"name": "Call ${phone} or ${email}", "slug": `,
    });
    await s.admin.fetch(`/api/v1/properties`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-pii-1234' },
      body: JSON.stringify({ name: `Guest ${email} ${phone}`, slug: 'pii-hotel', timezone: 'UTC' }),
    });
    s.core.log.info({ guest: { phone, email } }, `guest ${phone} wrote from ${email}`);
    const logs = s.logs();
    expect(logs).toContain('trace-pii-1234');
    expect(logs).toContain('"route":"/api/v1/properties/:id"');
    for (const needle of ['60123456789', '12-345 6789', '123456789', 'guest.person@example.com', 'guest.person%40example.com', 'guest.person']) {
      expect(logs.includes(needle), needle).toBe(false);
    }
    expect(logs).toContain('[phone]');
    expect(logs).toContain('[email]');
  });

  it('puts a request id on every request log line', () => {
    const lines = s
      .logs()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; reqId?: string });
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThan(3);
    for (const l of requests) expect(l.reqId).toBeTruthy();
  });
});
