import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSummary } from '../../server/contract/channels.js';
import { openCore } from '../../server/core.js';
import { createLogger } from '../../server/shared/logger.js';
import { startTestServer, tempDir, testConfig, type TestServer } from '../support/server.js';

/**
 * The composition root (server/core.ts) wires WhatsApp, email and the website widget the same way:
 * each channel's guest routes answer on the public listener and nowhere else, the channels screen
 * shows the webhook URL a channel needs pasted into its provider, and the system screen reads
 * what it shows through the root without a feature reaching back into it.
 */

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer();
  expect((await s.admin.post('/api/v1/properties', { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' })).status).toBe(201);
});

afterAll(async () => {
  await s?.stop();
});

describe('guest channels', () => {
  it("answer guests and providers on the public listener, and never on the staff one", async () => {
    const guestFacing: [string, RequestInit][] = [
      ['/webhooks/whatsapp', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }],
      ['/webhooks/email/unsubscribe', { method: 'GET' }],
      ['/widget/widget.js', { method: 'GET' }],
    ];
    for (const [path, init] of guestFacing) {
      const pub = await fetch(`${s.publicUrl}${path}`, init);
      expect(pub.status, `public ${path}`).not.toBe(404);
      const staff = await fetch(`${s.staffUrl}${path}`, init);
      expect(staff.status, `staff ${path}`).toBe(404);
    }
    // An unsigned WhatsApp notification reaches the webhook and is refused there.
    expect((await fetch(`${s.publicUrl}/webhooks/whatsapp`, guestFacing[0]![1])).status).toBe(401);
  });

  it('shows the webhook URL to paste for WhatsApp at the public address, and none for email or the widget', async () => {
    const res = await s.admin.get('/api/v1/properties/harbour/channels');
    expect(res.status).toBe(200);
    const items = ((await res.json()) as { items: ChannelSummary[] }).items;
    expect(items.map((c) => c.channel)).toEqual(['whatsapp', 'email', 'widget']);
    expect(items.find((c) => c.channel === 'whatsapp')?.webhookUrl).toBe(`${s.publicUrl}/webhooks/whatsapp`);
    expect(items.find((c) => c.channel === 'email')?.webhookUrl).toBeNull();
    expect(items.find((c) => c.channel === 'widget')?.webhookUrl).toBeNull();
  });

  it('has nothing to check for the widget, and says a channel is not set up before checking it', async () => {
    expect((await s.admin.post('/api/v1/properties/harbour/channels/widget/check')).status).toBe(404);
    const wa = await s.admin.post('/api/v1/properties/harbour/channels/whatsapp/check');
    expect(wa.status).toBe(404);
    expect(((await wa.json()) as { detail: string }).detail).toMatch(/WhatsApp is not set up/);
  });
});

describe('the system screen', () => {
  it('shows the version, each hotel with its queues, and the disk, read through the composition root', async () => {
    const res = await s.admin.get('/api/v1/system/status');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: string; hotels: { name: string; outbox: unknown; databaseBytes: number }[]; disk: { dataDir: string; freeBytes: number } };
    expect(body.version).toBe(s.core.version);
    expect(body.hotels).toEqual([expect.objectContaining({ name: 'Harbour View', databaseBytes: expect.any(Number) as number })]);
    expect(body.hotels[0]!.databaseBytes).toBeGreaterThan(0);
    expect(body.disk.dataDir).toBe(s.dataDir);
    expect(body.disk.freeBytes).toBeGreaterThan(0);
  });
});

describe('without listeners (the nocturn command)', () => {
  it('has every channel wired, with the configured public URL for webhook addresses and no tunnel', async () => {
    const dir = tempDir();
    const core = openCore({ config: testConfig(dir.dir, { NOCTURN_PUBLIC_URL: 'https://chat.harbour.example' }), log: createLogger({ level: 'silent' }) });
    try {
      expect(core.guestChannels.map((c) => c.name)).toEqual(['whatsapp', 'email', 'widget']);
      expect(core.publicUrl()).toBe('https://chat.harbour.example');
      expect(core.tunnel.url()).toBeNull();
    } finally {
      await core.close();
      dir.remove();
    }
  });
});
