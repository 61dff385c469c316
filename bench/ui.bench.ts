import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { connectionOf } from '../server/db/handle.js';
import type { ConversationStatus } from '../server/contract/conversations.js';
import { ConversationRepository } from '../server/features/conversations/conversation.repository.js';
import { GuestRepository } from '../server/features/guests/guest.repository.js';
import type { PropertyScope } from '../server/features/properties/property.service.js';
import { messageWebhook, postWebhook, startGraphStub } from '../test/support/graph-stub.js';
import { startTestServer } from '../test/support/server.js';

/**
 * `npm run bench -- ui`: the staff inbox in Chromium with 10,000 conversations in the database.
 * - pageLoadToInboxMs: navigation start to the first conversation rows on screen (the real page,
 *   signed in, inbox API, React render), over several loads;
 * - webhookToVisibleMs: a signed WhatsApp webhook answered 200 to that guest's conversation shown
 *   at the top of the open inbox (durable inbox -> pipeline -> SSE -> refetch -> render);
 * - inboxApiMs: the inbox API alone, for reading the first figure.
 * Targets: under 1000 ms and under 500 ms.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STATIC_DIR = path.join(ROOT, 'dist', 'renderer');
const CHROMIUM = '/usr/bin/chromium';
/** What the page functions below touch; the bench's tsconfig has no DOM types. */
interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null; querySelectorAll(selector: string): { length: number } };
}

const WA = { phoneNumberId: '106540352240001', appSecret: 'bench-ui-app-secret-0001', accessToken: 'EAAbench-ui-token', verifyToken: 'bench-ui-verify-token' };

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { runs: sorted.length, median: round(at(0.5)), p95: round(at(0.95)), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

/** 10,000 conversations through the repositories, one transaction: guests, conversations, a message each. */
function seed(scope: PropertyScope, total: number) {
  const guests = new GuestRepository(scope);
  const conversations = new ConversationRepository(scope);
  const statuses: ConversationStatus[] = ['ai', 'ai', 'ai', 'ai', 'ai', 'ai', 'resolved', 'resolved', 'resolved', 'needs_human', 'human'];
  const start = Date.now() - total * 60_000;
  connectionOf(scope).transaction(() => {
    for (let i = 0; i < total; i++) {
      const at = new Date(start + i * 60_000).toISOString();
      const guest = guests.insert({ name: `Guest ${i}`, phone: `+6012${String(1_000_000 + i)}` }, at);
      const status = statuses[i % statuses.length]!;
      const c = conversations.insert({ guestId: guest.id, channel: i % 3 === 0 ? 'whatsapp' : i % 3 === 1 ? 'email' : 'widget', threadBidx: `bench-${i}`, status, language: 'en', afterHours: i % 4 === 0, at });
      conversations.insertMessage({ conversationId: c.id, role: 'guest', body: `Do you have a room for two on the ${(i % 28) + 1}th? Booking reference ${i}.`, createdAt: at });
    }
  })();
}

export async function run() {
  if (!existsSync(CHROMIUM)) throw new Error(`the ui benchmark needs Chromium at ${CHROMIUM}`);
  if (!existsSync(path.join(STATIC_DIR, 'index.html'))) execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  const total = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
  const graph = await startGraphStub();
  const server = await startTestServer({
    staticDir: STATIC_DIR,
    env: { NOCTURN_LOG_LEVEL: 'warn', NOCTURN_WHATSAPP_API_BASE: graph.url, NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300' },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const created = (await (await server.admin.post('/api/v1/properties', { name: 'Bench Hotel', slug: 'bench', timezone: 'Asia/Kuala_Lumpur' })).json()) as { id: string };
    const put = await server.admin.put(`/api/v1/properties/${created.id}/channels/whatsapp`, { phoneNumberId: WA.phoneNumberId, appSecret: WA.appSecret, accessToken: WA.accessToken, verifyToken: WA.verifyToken });
    if (put.status !== 200) throw new Error(`could not connect WhatsApp: ${put.status}`);
    const seedStart = performance.now();
    seed(server.core.properties.scope(created.id), total);
    const seedMs = Math.round(performance.now() - seedStart);
    // The seed blocked the event loop; let the server close the keep-alive sockets that timed out meanwhile.
    await new Promise((r) => setTimeout(r, 300));

    // The inbox API on its own.
    const api: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const res = await server.admin.get('/api/v1/inbox?limit=100');
      await res.arrayBuffer();
      api.push(performance.now() - t);
    }

    // Page load to inbox rendered, signed in through the session cookie.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const [name, value] = server.admin.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: server.staffUrl }]);
    const page = await context.newPage();
    const loads: number[] = [];
    for (let i = 0; i < 7; i++) {
      // A real load each time (a hash-only change to the same URL would not reload the page).
      await page.goto('about:blank');
      await page.goto(`${server.staffUrl}/#/inbox`);
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('a.inbox-row').length > 0, undefined, { polling: 'raf', timeout: 30_000 });
      loads.push(await page.evaluate(() => performance.now()));
    }
    // The first load fills caches; report warm loads, and the cold one apart.
    const [cold, ...warm] = loads;

    // Webhook accepted to the guest's conversation visible at the top of the open inbox.
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 });
    const live: number[] = [];
    for (let i = 0; i < 10; i++) {
      const guest = `Bench Walk-in ${i}`;
      const hook = messageWebhook({ phoneNumberId: WA.phoneNumberId, waId: `6019${String(5_000_000 + i)}`, name: guest, text: 'Can I talk to a person please?' });
      const res = await postWebhook(server.publicUrl, hook.body, WA.appSecret);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const accepted = performance.now();
      await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).document.querySelector('a.inbox-row')?.textContent?.includes(n) ?? false, guest, { polling: 'raf', timeout: 10_000 });
      live.push(performance.now() - accepted);
      await new Promise((r) => setTimeout(r, 150));
    }

    const pageLoad = stats(warm);
    const webhook = stats(live);
    return {
      conversations: total,
      seedMs,
      inboxApiMs: stats(api),
      pageLoadToInboxMs: { ...pageLoad, coldFirstLoad: Math.round(cold!) },
      webhookToVisibleMs: webhook,
      targets: { pageLoadToInboxMs: 1000, webhookToVisibleMs: 500 },
      // Judged on the median; p95 is printed beside it (it moves with whatever else the machine runs).
      met: { pageLoadToInbox: pageLoad.median < 1000, webhookToVisible: webhook.median < 500 },
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      cpus: os.cpus().length,
    };
  } finally {
    await browser.close();
    await server.stop();
    await graph.close();
  }
}
