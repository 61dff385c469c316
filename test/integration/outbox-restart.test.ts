import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { openCore } from '../../server/core.js';
import { OutboxRepository } from '../../server/features/outbox/outbox.repository.js';
import { cliActor } from '../../server/shared/actor.js';
import { createLogger } from '../../server/shared/logger.js';
import { tempDir } from '../support/server.js';

/**
 * Issue 15: an outbox row is marked `sending` (committed) only as its send starts. After a crash a
 * restart tells the replies that were maybe sent (sent again, at-least-once, and said so in the
 * log) from those certainly not sent (simply sent), on real SQLite files.
 */
describe('outbox after a restart (issue 15)', () => {
  it('sends both a maybe-sent and a not-yet-sent reply, and says which were maybe sent', async () => {
    const tmp = tempDir();
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }) as never });
    const config = loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: tmp.dir, NOCTURN_EMBEDDER: 'none' });
    try {
      let core = openCore({ config, log });
      const hotel = core.properties.create({ name: 'Outbox Inn', slug: 'outbox-inn', timezone: 'Asia/Kuala_Lumpur' }, cliActor('test'));
      let repo = new OutboxRepository(core.properties.scope(hotel.id));
      const at = new Date().toISOString();
      const maybeSent = repo.insert({ conversationId: null, messageId: null, channel: 'test', kind: 'reply', payload: { body: 'Maybe sent' }, nextAttemptAt: at, at });
      const notSent = repo.insert({ conversationId: null, messageId: null, channel: 'test', kind: 'reply', payload: { body: 'Not sent' }, nextAttemptAt: at, at });
      // The process died while the first one's provider call was in flight.
      repo.markSending(maybeSent);
      expect(repo.get(notSent)!.status).toBe('pending');
      await core.close();

      core = openCore({ config, log });
      try {
        core.outbox.start();
        await core.outbox.settle(5_000);
        repo = new OutboxRepository(core.properties.scope(hotel.id));
        expect([repo.get(maybeSent)!.status, repo.get(notSent)!.status]).toEqual(['sent', 'sent']);
        expect(repo.get(maybeSent)!.attempts).toBe(2);
        const warning = lines.map((l) => JSON.parse(l) as { msg: string; byChannel?: Record<string, number> }).find((l) => l.msg.includes('maybe sent'));
        expect(warning?.byChannel).toEqual({ test: 1 });
        // The provider id is kept only as a keyed hash.
        expect(repo.get(notSent)!.provider_message_id).toMatch(/^h1:/);
      } finally {
        await core.close();
      }
    } finally {
      tmp.remove();
    }
  });
});
