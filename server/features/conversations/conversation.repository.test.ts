import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bindConnection } from '../../db/handle.js';
import { Databases } from '../../db/databases.js';
import { BlindIndex, FieldCipher } from '../vault/field-crypto.js';
import { GuestRepository } from '../guests/guest.repository.js';
import { ConversationRepository } from './conversation.repository.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-conv-'));
const dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
const scope = bindConnection({ cipher: new FieldCipher(new Map([[1, randomBytes(32)]]), 1), blindIndex: new BlindIndex(randomBytes(32)) }, dbs.property('prop_convtest0001'));
afterAll(() => {
  dbs.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('conversation list queries', () => {
  const repo = new ConversationRepository(scope);
  const guests = new GuestRepository(scope);
  const statuses = ['ai', 'needs_human', 'human', 'resolved'] as const;
  scope.transaction(() => {
    for (let i = 0; i < 400; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();
      const g = guests.insert({ name: `G${i}` }, at);
      const c = repo.insert({ guestId: g.id, channel: 'test', threadBidx: `t${i}`, status: statuses[i % 4]!, language: 'en', afterHours: i % 3 === 0, at });
      repo.insertMessage({ conversationId: c.id, role: 'guest', body: `message ${i}`, createdAt: at });
    }
  });

  it('orders needs-a-person first, newest first, and pages without gaps or repeats', () => {
    const seen: string[] = [];
    let cursor: { rank: number; lastMessageAt: string; id: string } | undefined;
    for (;;) {
      const page = repo.list({ limit: 37, cursor });
      if (page.length === 0) break;
      seen.push(...page.map((r) => r.id));
      const last = page.at(-1)!;
      cursor = { rank: last.rank, lastMessageAt: last.last_message_at, id: last.id };
    }
    expect(seen).toHaveLength(400);
    expect(new Set(seen).size).toBe(400);
    const first = repo.list({ limit: 100 });
    expect(first.slice(0, 100).every((r) => r.status === 'needs_human')).toBe(true);
    expect(first[0]!.last_message_at > first[1]!.last_message_at).toBe(true);
  });

  it('reads the inbox page from its index, without sorting the whole table', () => {
    const plan = repo.explainList({ limit: 50 }).join('\n');
    expect(plan).toMatch(/conversations_inbox/);
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    expect(plan).not.toMatch(/SCAN c\b(?! USING)/);
  });

  it("reads a conversation's notes from their index, in time order", () => {
    const plan = repo.explainNotes().join('\n');
    expect(plan).toMatch(/conversation_notes_conversation/);
    expect(plan).not.toMatch(/USE TEMP B-TREE/);
  });
});
