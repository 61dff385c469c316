import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { openCore } from '../../server/core.js';
import { cliActor } from '../../server/shared/actor.js';
import { createLogger } from '../../server/shared/logger.js';
import { messageWebhook, signature, startGraphStub } from '../support/graph-stub.js';
import { tempDir } from '../support/server.js';

/**
 * D4/D5 end to end: the server runs as a real child process, receives a burst of signed WhatsApp
 * webhooks, and is killed with SIGKILL in the middle of it. After a restart, every event that was
 * not acknowledged is sent again (as Meta would), and some acknowledged ones too (Meta's retries
 * can duplicate). Every acknowledged event must end up processed exactly once, and none lost.
 */

const APP_SECRET = 'crash-app-secret-5551';
const PHONE_NUMBER_ID = '106540352249999';
const EVENTS = 200;
const KILL_AFTER_ACKS = 60;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** The real server (test/support/server-process.ts), tracked so an aborted test never leaves it running. */
async function serve(dataDir: string, graphUrl: string): Promise<ServerProcess> {
  const server = await spawnServer(dataDir, { NOCTURN_WHATSAPP_API_BASE: graphUrl }, 20_000);
  children.push(server.child);
  return server;
}

/** One signed POST; resolves with the status, or 0 when the connection failed (not acknowledged). */
function post(agent: http.Agent, publicUrl: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(`${publicUrl}/webhooks/whatsapp`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(APP_SECRET, body), 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

describe('crash safety (D4, D5)', () => {
  it('loses no acknowledged webhook and processes each exactly once across a SIGKILL mid-burst', async () => {
    const tmp = tempDir();
    const graph = await startGraphStub();
    try {
      // The hotel and its WhatsApp number exist before the appliance starts.
      const core = openCore({ config: loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: tmp.dir, NOCTURN_EMBEDDER: 'none' }), log: createLogger({ level: 'silent' }) });
      const property = core.properties.create({ name: 'Crash Test Inn', slug: 'crash-inn', timezone: 'Asia/Kuala_Lumpur' }, cliActor('test'));
      core.channels.put(property.id, 'whatsapp', { routingKey: PHONE_NUMBER_ID, secrets: { appSecret: APP_SECRET, accessToken: 'EAAcrash', verifyToken: 'crash-verify' }, settings: {} }, cliActor('test'));
      await core.close();

      const events = Array.from({ length: EVENTS }, (_, i) =>
        messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: `6012300${String(i % 20).padStart(4, '0')}`, wamid: `wamid.crash.${i}`, text: `Is parking available? (${i})` }),
      );

      // Phase 1: a burst, 8 at a time; SIGKILL once some have been acknowledged.
      const first = await serve(tmp.dir, graph.url);
      const acked = new Set<number>();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      let next = 0;
      let killed = false;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < events.length && !killed) {
            const i = next++;
            const status = await post(agent, first.publicUrl, events[i]!.body);
            if (status === 200) acked.add(i);
            if (!killed && acked.size >= KILL_AFTER_ACKS) {
              killed = true;
              first.child.kill('SIGKILL');
            }
          }
        }),
      );
      agent.destroy();
      await first.exited;
      expect(first.child.signalCode).toBe('SIGKILL');
      expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
      expect(acked.size).toBeLessThan(EVENTS);

      // Phase 2: restart on the same data; resend what was not acknowledged, plus some duplicates.
      const second = await serve(tmp.dir, graph.url);
      const agent2 = new http.Agent({ keepAlive: true, maxSockets: 8 });
      const resend = [...events.keys()].filter((i) => !acked.has(i)).concat([...acked].slice(0, 20));
      let cursor = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (cursor < resend.length) {
            const i = resend[cursor++]!;
            let status = 0;
            for (let attempt = 0; attempt < 5 && status !== 200; attempt++) status = await post(agent2, second.publicUrl, events[i]!.body);
            expect(status).toBe(200);
            acked.add(i);
          }
        }),
      );
      agent2.destroy();
      expect(acked.size).toBe(EVENTS);

      // Wait until the inbound queue is drained, reading the databases the way an operator could.
      const group = new Database(path.join(tmp.dir, 'group.db'), { readonly: true });
      const hotel = new Database(path.join(tmp.dir, 'properties', `${property.id}.db`), { readonly: true });
      try {
        const deadline = Date.now() + 40_000;
        let events: Record<string, number> = {};
        while (Date.now() < deadline) {
          const rows = group.prepare(`select status, count(*) as n from inbox_events where provider = 'whatsapp' group by status`).all() as { status: string; n: number }[];
          events = Object.fromEntries(rows.map((r) => [r.status, r.n]));
          if ((events.done ?? 0) + (events.failed ?? 0) === EVENTS) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(events).toEqual({ done: EVENTS });

        const receipts = group.prepare(`select external_id as id, count(*) as n from inbox_events where provider = 'whatsapp' group by external_id`).all() as { id: string; n: number }[];
        expect(receipts).toHaveLength(EVENTS);
        expect(receipts.filter((r) => r.n !== 1)).toEqual([]);

        // Ids are stored as keyed hashes: one guest message per wamid, each exactly once.
        const stored = hotel.prepare(`select external_id as id, count(*) as n from messages where role = 'guest' group by external_id`).all() as { id: string; n: number }[];
        expect(stored.filter((r) => r.n !== 1)).toEqual([]);
        expect(stored).toHaveLength(EVENTS);
      } finally {
        group.close();
        hotel.close();
      }

      second.child.kill('SIGINT');
      await second.exited;
      expect(second.child.exitCode).toBe(0);
    } finally {
      await graph.close();
      tmp.remove();
    }
  }, 60_000);
});
