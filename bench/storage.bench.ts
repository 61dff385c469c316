import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Databases } from '../server/db/databases.js';
import { openDatabase } from '../server/db/sqlite.js';
import { InboundQueueRepository } from '../server/features/inbound/inbound-queue.repository.js';
import { BlindIndex, FieldCipher } from '../server/features/vault/field-crypto.js';

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
function rate(ms: number, fn: (i: number) => void): { ops: number; seconds: number; perSecond: number } {
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let i = 0;
  let now = start;
  while (now < end) {
    fn(i++);
    if ((i & 15) === 0) now = process.hrtime.bigint();
  }
  now = process.hrtime.bigint();
  const seconds = Number(now - start) / 1e9;
  return { ops: i, seconds: Math.round(seconds * 1000) / 1000, perSecond: Math.round(i / seconds) };
}

/** A WhatsApp-sized webhook body (about 1.5 KB of JSON). */
function webhookPayload(i: number): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Guest Number ' + i }, wa_id: '6012345' + String(i).padStart(4, '0') }],
              messages: [
                {
                  from: '6012345' + String(i).padStart(4, '0'),
                  id: 'wamid.' + randomBytes(24).toString('base64'),
                  timestamp: String(1_749_416_383 + i),
                  type: 'text',
                  text: { body: 'Hi, do you have a family room for 2 adults and 2 kids from 24 to 27 December? What is the rate with breakfast? '.repeat(6) },
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

export async function run(durationMs = Number(process.env.BENCH_MS ?? 2000)) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-bench-'));
  try {
    const raw: Record<string, unknown> = {};
    const row = 'x'.repeat(1500);
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const db = openDatabase(path.join(dir, `raw-${synchronous}.db`), { busyTimeoutMs: 1000, synchronous });
      db.exec('create table t (id integer primary key, body text not null) strict');
      const insert = db.prepare('insert into t (body) values (?)');
      raw[`wal_synchronous_${synchronous.toLowerCase()}`] = rate(durationMs, () => insert.run(row));
      db.close();
    }

    const repoFigures: Record<string, unknown> = {};
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const dbs = new Databases({ dataDir: path.join(dir, `repo-${synchronous}`), busyTimeoutMs: 1000, synchronous });
      dbs.group
        .prepare("insert into properties (id, slug, name, timezone, desk_hours, created_at, updated_at) values ('prop_benchbench01', 'bench', 'Bench', 'UTC', '{}', 'x', 'x')")
        .run();
      const queue = new InboundQueueRepository(dbs.group);
      const cipher = new FieldCipher(new Map([[1, randomBytes(32)]]), 1);
      const blindIndex = new BlindIndex(randomBytes(32));
      const payloads = Array.from({ length: 256 }, (_, i) => webhookPayload(i));
      const now = new Date().toISOString();
      repoFigures[`wal_synchronous_${synchronous.toLowerCase()}`] = rate(durationMs, (i) =>
        queue.insert({ propertyId: 'prop_benchbench01', provider: 'whatsapp', externalId: `wamid.${i}`, eventType: 'message', payload: payloads[i % 256]!, receivedAt: now }, { cipher, blindIndex }),
      );
      dbs.close();
    }
    return {
      benchmark: 'storage',
      durationMsEach: durationMs,
      rowBytes: { raw: row.length, webhookPayload: webhookPayload(0).length },
      rawSqliteCommitsPerSecond: raw,
      inboundQueueRepositoryCommitsPerSecond: repoFigures,
      note: 'one autocommitted transaction per row; repository rows are encrypted (AES-256-GCM) and idempotency-checked',
      machine: { cpus: os.cpus().length, platform: process.platform, node: process.version },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
