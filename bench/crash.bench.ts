import Database from 'better-sqlite3';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config/config.js';
import { openCore } from '../server/core.js';
import { cliActor } from '../server/shared/actor.js';
import { createLogger } from '../server/shared/logger.js';
import { messageWebhook, signature, startGraphStub } from '../test/support/graph-stub.js';
import { startOllamaStub, type OllamaChatBody } from '../test/support/ollama-stub.js';
import { spawnServer, type ServerProcess } from '../test/support/server-process.js';

/**
 * Crash round (issue 15): BENCH_CRASH_REQUESTS (2000) signed WhatsApp webhooks, each from its own
 * guest, at BENCH_CONCURRENCY (16) against a real server process; SIGKILL after a random number of
 * acknowledgements; restart on the same data; everything not acknowledged sent again (as Meta
 * would), plus the last 50 acknowledged ones (Meta's retries can repeat); then drain (at most
 * BENCH_DRAIN_MS, 300000). One in ten guests asks a question the local model (a stand-in taking
 * BENCH_MODEL_MS, 300 ms) answers; the rest say hello. Every guest should receive exactly one message: an answer or a hand-off notice.
 */

const APP_SECRET = 'crash-bench-secret-0015';
const PHONE_NUMBER_ID = '106540352240915';
const MODEL = 'qwen2.5:7b-instruct';

function post(agent: http.Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(APP_SECRET, body), 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.setTimeout(15_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function burst(url: string, indexes: number[], bodies: string[], concurrency: number, stopAfter: number, onStop: () => void): Promise<Set<number>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const acked = new Set<number>();
  let next = 0;
  let stopped = false;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < indexes.length && !stopped) {
        const i = indexes[next++]!;
        if ((await post(agent, url, bodies[i]!)) === 200) acked.add(i);
        if (!stopped && acked.size >= stopAfter) {
          stopped = true;
          onStop();
        }
      }
    }),
  );
  agent.destroy();
  return acked;
}

export async function run() {
  const requests = Number(process.env.BENCH_CRASH_REQUESTS ?? 2000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const modelMs = Number(process.env.BENCH_MODEL_MS ?? 300);
  const killAfter = Math.floor(requests * (0.1 + Math.random() * 0.8));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-crash-bench-'));
  const graph = await startGraphStub();
  const ollama = await startOllamaStub({ models: [MODEL] });
  ollama.behave({
    kind: 'reply',
    delayMs: modelMs,
    content: (body: OllamaChatBody) =>
      JSON.stringify({
        reply: 'Yes, parking is available in our car park.',
        confidence: 0.95,
        intent: 'other',
        handoff: false,
        handoffReason: null,
        citedItemIds: [/<item id="([^"]+)"/.exec(body.messages[0]?.content ?? '')?.[1] ?? 'missing'],
        lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null },
      }),
  });
  const env = { NOCTURN_WHATSAPP_API_BASE: graph.url, NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_MODEL: MODEL, NOCTURN_OLLAMA_TIMEOUT_MS: '30000', NOCTURN_DB_SYNCHRONOUS: process.env.NOCTURN_DB_SYNCHRONOUS ?? 'FULL' };
  const servers: ServerProcess[] = [];
  try {
    const core = openCore({ config: loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dir, NOCTURN_EMBEDDER: 'none' }), log: createLogger({ level: 'silent' }) });
    const property = core.properties.create({ name: 'Crash Bench Inn', slug: 'crash-bench', timezone: 'Asia/Kuala_Lumpur' }, cliActor('bench'));
    core.channels.put(property.id, 'whatsapp', { routingKey: PHONE_NUMBER_ID, secrets: { appSecret: APP_SECRET, accessToken: 'EAAcrashbench', verifyToken: 'crash-bench-verify' }, settings: {} }, cliActor('bench'));
    core.knowledge.replaceAll(property.id, { items: [{ category: 'facilities', title: 'Parking', content: 'Guests can park in our covered car park on level B1. Parking costs RM 20 per night.' }] });
    await core.knowledge.whenIdle(property.id);
    await core.close();

    const guest = (i: number) => `6013${String(i).padStart(7, '0')}`;
    const bodies = Array.from({ length: requests }, (_, i) =>
      messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: guest(i), wamid: `wamid.crashbench.${i}`, text: i % 10 === 0 ? 'Is parking available at the hotel, and how much is it?' : 'Hello!' }).body,
    );
    const all = [...bodies.keys()];

    const first = await spawnServer(dir, env);
    servers.push(first);
    const started = Date.now();
    const ackedBeforeKill = await burst(`${first.publicUrl}/webhooks/whatsapp`, all, bodies, concurrency, killAfter, () => first.child.kill('SIGKILL'));
    await first.exited;
    const sentBeforeKill = graph.delivered().length;

    const second = await spawnServer(dir, env);
    servers.push(second);
    const resend = all.filter((i) => !ackedBeforeKill.has(i)).concat([...ackedBeforeKill].slice(-50));
    const ackedAfter = await burst(`${second.publicUrl}/webhooks/whatsapp`, resend, bodies, concurrency, Number.POSITIVE_INFINITY, () => undefined);

    // Drain: every event processed and every reply sent (or given up on).
    const group = new Database(path.join(dir, 'group.db'), { readonly: true });
    const hotel = new Database(path.join(dir, 'properties', `${property.id}.db`), { readonly: true });
    const deadline = Date.now() + Number(process.env.BENCH_DRAIN_MS ?? 300_000);
    let drained = false;
    while (Date.now() < deadline) {
      const open = (group.prepare(`select count(*) as n from inbox_events where status in ('pending', 'processing')`).get() as { n: number }).n;
      const sending = (hotel.prepare(`select count(*) as n from outbox where status in ('pending', 'sending')`).get() as { n: number }).n;
      if (open === 0 && sending === 0) {
        drained = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    const stored = (hotel.prepare(`select count(*) as n, count(distinct external_id) as d from messages where role = 'guest'`).get() as { n: number; d: number });
    const handedOff = (hotel.prepare(`select count(*) as n from conversations where status = 'needs_human'`).get() as { n: number }).n;
    const failedEvents = (group.prepare(`select count(*) as n from inbox_events where status = 'failed'`).get() as { n: number }).n;
    const stillQueued = (group.prepare(`select count(*) as n from inbox_events where status in ('pending', 'processing')`).get() as { n: number }).n;
    const unsent = (hotel.prepare(`select count(*) as n from outbox where status in ('pending', 'sending')`).get() as { n: number }).n;
    // A stored guest message whose conversation has no reply and no hand-off notice: silence, the defect this round looks for.
    const unanswered = (
      hotel.prepare(`select count(*) as n from conversations c where not exists (select 1 from messages m where m.conversation_id = c.id and m.role = 'assistant')`).get() as { n: number }
    ).n;
    group.close();
    hotel.close();

    const perGuest = new Map<string, number>();
    for (const r of graph.delivered()) {
      const to = String(r.body.to);
      perGuest.set(to, (perGuest.get(to) ?? 0) + 1);
    }
    const acknowledged = new Set([...ackedBeforeKill, ...ackedAfter]);
    const replied = all.filter((i) => (perGuest.get(guest(i)) ?? 0) >= 1).length;
    const duplicated = all.filter((i) => (perGuest.get(guest(i)) ?? 0) > 1).length;
    return {
      benchmark: 'crash',
      what: 'signed WhatsApp webhooks, one guest each, SIGKILL of the server process at a random point, restart, resend what was not acknowledged, drain',
      requests,
      concurrency,
      modelMs,
      sqliteSynchronous: env.NOCTURN_DB_SYNCHRONOUS,
      killedAfterAcknowledged: ackedBeforeKill.size,
      sentBeforeKill,
      acknowledged: acknowledged.size,
      storedGuestMessages: stored.d,
      duplicateGuestMessages: stored.n - stored.d,
      replied,
      duplicatedReplies: duplicated,
      unanswered,
      handedOff,
      failedEvents,
      drained,
      /** Not yet processed or sent when the drain wait ended (a slow machine): neither lost nor unanswered. */
      stillQueued,
      unsent,
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    await graph.close();
    await ollama.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
