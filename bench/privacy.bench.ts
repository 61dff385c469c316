import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectionOf } from '../server/db/handle.js';
import { loadConfig } from '../server/config/config.js';
import { openCore } from '../server/core.js';
import { ConversationRepository } from '../server/features/conversations/conversation.repository.js';
import { GuestRepository } from '../server/features/guests/guest.repository.js';
import { cliActor } from '../server/shared/actor.js';
import { createLogger } from '../server/shared/logger.js';

/**
 * Finding a guest everywhere (issue 16): a hotel with many encrypted guest messages, one in 20
 * giving a phone number or an email. The first lookup reads every message in (decrypt, find
 * contact details, store their blind indexes); later lookups read only what is new. Then the
 * erasure of one guest found through an email she wrote in a chat.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const PER_CONVERSATION = 4;

function ms(t: number): number {
  return Math.round((performance.now() - t) * 10) / 10;
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-bench-privacy-'));
  const log = createLogger({ level: 'error' });
  const config = loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dir, NOCTURN_EMBEDDER: 'none', NOCTURN_DB_SYNCHRONOUS: 'NORMAL', NOCTURN_LOG_LEVEL: 'error' });
  const core = openCore({ config, log });
  const actor = cliActor('bench');
  try {
    const hotel = core.properties.create({ name: 'Bench Bay', slug: 'bench-bay', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' }, actor);
    const scope = core.properties.scope(hotel.id);
    const guests = new GuestRepository(scope);
    const conversations = new ConversationRepository(scope);
    const t0 = performance.now();
    const write = connectionOf(scope).transaction((from: number, to: number) => {
      for (let m = from; m < to; m += PER_CONVERSATION) {
        const n = m / PER_CONVERSATION;
        const at = new Date(Date.now() - (MESSAGES - m) * 60_000).toISOString();
        const guest = guests.insert({ name: `Guest ${n}`, phone: `+6012${String(n).padStart(7, '0')}` }, at);
        const c = conversations.insert({ guestId: guest.id, channel: 'widget', threadBidx: `bench-${n}`, status: 'ai', language: 'en', afterHours: false, at });
        for (let k = 0; k < PER_CONVERSATION; k++) {
          const i = m + k;
          const body = i % 20 === 0 ? `Please reply to guest${n}@example.com or call 013-${String(n).padStart(7, '0')}` : `Question ${i} about breakfast, parking and the pool`;
          conversations.insertMessage({ conversationId: c.id, role: 'guest', body, externalId: null, flags: [], createdAt: at });
        }
      }
    });
    for (let m = 0; m < MESSAGES; m += 10_000) write(m, Math.min(MESSAGES, m + 10_000));
    const generateMs = ms(t0);

    let t = performance.now();
    const first = core.privacy.export(actor, { email: 'guest5@example.com' });
    const firstLookupMs = ms(t);
    t = performance.now();
    core.privacy.export(actor, { phone: '013-0000010' });
    const nextLookupMs = ms(t);
    t = performance.now();
    const erased = core.privacy.erase(actor, { email: 'guest5@example.com' });
    const eraseMs = ms(t);
    return {
      benchmark: 'privacy',
      dataset: { messages: MESSAGES, conversations: MESSAGES / PER_CONVERSATION, messagesWithContact: Math.ceil(MESSAGES / 20), generateMs },
      firstLookupMs,
      firstLookupFound: first.hotels[0]?.guests.length ?? 0,
      nextLookupMs,
      eraseMs,
      erased: erased.hotels[0],
      note: 'service level (no HTTP); the first lookup reads every message in once, later ones only what arrived since',
      machine: { cpus: os.cpus().length, platform: process.platform, node: process.version },
    };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
