import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { connectionOf } from '../server/db/handle.js';
import { loadConfig } from '../server/config/config.js';
import { startServer } from '../server/main.js';
import { cliActor } from '../server/shared/actor.js';
import { createLogger } from '../server/shared/logger.js';
import { messageWebhook, signature, startGraphStub } from '../test/support/graph-stub.js';
import { loadInChild, type Sample } from './load-client.js';

/**
 * Signed WhatsApp webhooks acknowledged per second by the real public listener (rate limit,
 * signature over the raw bytes, split, durable inbound queue commit, 200), next to a bare Express handler
 * that only reads the body and answers 200, measured in the same run over loopback. The inbound queue
 * worker answers the messages meanwhile, as it would in production (at lower priority during a
 * burst). "Zero loss": every acknowledged webhook is in the durable inbound queue exactly once; the
 * guest messages processed from it are counted after the burst (waiting at most BENCH_DRAIN_MS).
 *
 * BENCH_REQUESTS (2000), BENCH_CONCURRENCY (16), BENCH_DRAIN_MS (20000); NOCTURN_DB_SYNCHRONOUS
 * (FULL by default, as in production: an fsync per commit, so the disk's flush latency shows).
 */

const APP_SECRET = 'bench-app-secret-0000';
const PHONE_NUMBER_ID = '106540352242922';

interface Run {
  /** How long the server process's event loop was blocked (the load client runs in its own process). */
  eventLoopDelayP99Ms?: number;
  requests: number;
  acknowledged: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function summarise(samples: Sample[]): Run {
  const latencies = samples.flatMap((x) => x.latencies).sort((a, b) => a - b);
  const acknowledged = samples.reduce((n, x) => n + x.acknowledged, 0);
  const seconds = samples.reduce((n, x) => n + x.seconds, 0);
  return {
    requests: latencies.length,
    acknowledged,
    failed: samples.reduce((n, x) => n + x.failed, 0),
    seconds: round(seconds, 3),
    perSecond: Math.round(acknowledged / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? 0),
  };
}

function bodies(prefix: string, n: number): { body: string; sig: string; wamid: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const { body, wamid } = messageWebhook({
      phoneNumberId: PHONE_NUMBER_ID,
      waId: `60123${String(i % 500).padStart(5, '0')}`,
      name: `Guest ${i % 500}`,
      wamid: `wamid.${prefix}.${i}`,
      text: 'Hello',
    });
    return { body, sig: signature(APP_SECRET, body), wamid };
  });
}

export async function run() {
  const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const synchronous = (process.env.NOCTURN_DB_SYNCHRONOUS ?? 'FULL') as 'FULL' | 'NORMAL';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-ingest-bench-'));
  const graph = await startGraphStub();
  const discard = new Writable({ write: (_c, _e, cb) => cb() });
  const log = createLogger({ level: 'info', destination: discard as unknown as Parameters<typeof createLogger>[0]['destination'] });
  const server = await startServer({
    config: loadConfig({
      NOCTURN_ENV: 'test',
      NOCTURN_DATA_DIR: dir,
      NOCTURN_STAFF_PORT: '0',
      NOCTURN_PUBLIC_PORT: '0',
      NOCTURN_SERVE_UI: 'false',
      NOCTURN_EMBEDDER: 'none',
      NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9',
      NOCTURN_WHATSAPP_API_BASE: graph.url,
      NOCTURN_DB_SYNCHRONOUS: synchronous,
    }),
    log,
  });
  const bare = express();
  bare.post('/webhooks/whatsapp', express.raw({ type: () => true, limit: '3mb' }), (_req, res) => {
    res.status(200).json({ received: 1 });
  });
  const bareServer = http.createServer({ keepAliveTimeout: 5_000 }, bare);
  await new Promise<void>((resolve) => bareServer.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/webhooks/whatsapp`;
  try {
    const { core } = server;
    const property = core.properties.create({ name: 'Bench Hotel', slug: 'bench-hotel', timezone: 'Asia/Kuala_Lumpur' }, cliActor('bench'));
    core.channels.put(property.id, 'whatsapp', { routingKey: PHONE_NUMBER_ID, secrets: { appSecret: APP_SECRET, accessToken: 'EAAbench', verifyToken: 'bench-verify' }, settings: {} }, cliActor('bench'));
    const nocturnUrl = `${server.publicUrl}/webhooks/whatsapp`;

    // Warm both paths (JIT, connections, prepared statements), then measure.
    await loadInChild({ url: bareUrl, bodies: bodies('warm-bare', 200), concurrency });
    await loadInChild({ url: nocturnUrl, bodies: bodies('warm', 100), concurrency });
    await core.inboundQueue.settle(60_000);

    // Bare Express first, while Nocturn is idle; then Nocturn, whose inbound queue worker answers the
    // messages meanwhile (its own cost). Not interleaved: Nocturn's backlog would slow the bare runs.
    const measured = async (url: string, batch: { body: string; sig: string }[]): Promise<Run> => {
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const run = summarise([await loadInChild({ url, bodies: batch, concurrency })]);
      delay.disable();
      return { eventLoopDelayP99Ms: round(delay.percentile(99) / 1e6), ...run };
    };
    const bareRun = await measured(bareUrl, bodies('bare', requests));
    // Provider ids are stored as keyed hashes: the measured run's rows are the ones after the warm-up's.
    const db = connectionOf(core.properties.scope(property.id));
    const queuedBefore = (core.databases.group.prepare('select coalesce(max(id), 0) as id from inbox_events').get() as { id: number }).id;
    const messagesBefore = (db.prepare('select coalesce(max(rowid), 0) as id from messages').get() as { id: number }).id;
    const nocturnRun = await measured(nocturnUrl, bodies('run', requests));
    const queued = core.databases.group
      .prepare(`select count(*) as n, count(distinct external_id) as d from inbox_events where provider = 'whatsapp' and id > ?`)
      .get(queuedBefore) as { n: number; d: number };
    const drainStart = Date.now();
    await core.inboundQueue.settle(Number(process.env.BENCH_DRAIN_MS ?? 20_000));
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const stored = db.prepare(`select count(*) as n, count(distinct external_id) as d from messages where role = 'guest' and rowid > ?`).get(messagesBefore) as { n: number; d: number };
    const ratio = round(nocturnRun.perSecond / bareRun.perSecond, 3);
    return {
      benchmark: 'ingest',
      what: 'signed WhatsApp webhooks (one text message each) acknowledged by the public listener after the durable inbound queue commit',
      requests,
      concurrency,
      senderAddresses: concurrency,
      sqliteSynchronous: synchronous,
      bareExpress: bareRun,
      nocturn: nocturnRun,
      ratio,
      loss: {
        acknowledged: nocturnRun.acknowledged,
        inDurableQueue: queued.d,
        lost: nocturnRun.acknowledged - queued.d,
        duplicated: queued.n - queued.d,
        processedIntoGuestMessages: stored.d,
        duplicateGuestMessages: stored.n - stored.d,
        queueBacklogDrained: stored.d === nocturnRun.acknowledged,
        drainWaitSeconds: round(drainSeconds, 2),
      },
      target: { ratioAtLeast: 0.4, p99UnderMs: 25, zeroLoss: true },
      meets: { ratio: ratio >= 0.4, p99: nocturnRun.p99Ms < 25, zeroLoss: nocturnRun.failed === 0 && queued.d === nocturnRun.acknowledged && queued.n === queued.d && stored.n === stored.d },
      machine: { cpus: os.cpus().length, loadAverage1m: round(os.loadavg()[0]!, 2) },
    };
  } finally {
    await new Promise<void>((resolve) => bareServer.close(() => resolve()));
    await server.close();
    await graph.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
