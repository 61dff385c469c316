import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindConnection } from '../../../db/handle.js';
import { Databases } from '../../../db/databases.js';
import type { Db } from '../../../db/sqlite.js';
import { WIDGET_SQL, WidgetRepository } from './widget.repository.js';

let dir: string;
let dbs: Databases;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-widget-repo-'));
  dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
  db = dbs.property('prop_widgettest001');
  const at = '2026-11-21T00:00:00.000Z';
  db.prepare("insert into guests (id, key_version, created_at, updated_at) values ('gst_1', 1, ?, ?)").run(at, at);
  db.prepare("insert into conversations (id, guest_id, channel, thread_bidx, status, last_message_at, created_at, updated_at) values ('cnv_1', 'gst_1', 'widget', 't', 'ai', ?, ?, ?)").run(at, at, at);
  for (const [id, role, ext] of [
    ['msg_g', 'guest', 'widget:ws_session:cm_abc12345'],
    ['msg_a', 'assistant', null],
  ] as const) {
    db.prepare("insert into messages (id, conversation_id, role, body_enc, external_id, created_at) values (?, 'cnv_1', ?, x'00', ?, ?)").run(id, role, ext, at);
  }
});
afterEach(() => {
  dbs.close();
  rmSync(dir, { recursive: true, force: true });
});

function plan(sql: string): string {
  const params = (sql.match(/\?/g) ?? []).map(() => 'x');
  return (db.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe('widget feedback (property migration 0006)', () => {
  it('keeps one answer per reply, replaced when the guest changes their mind', () => {
    const repo = new WidgetRepository(bindConnection({}, db));
    repo.saveFeedback({ messageId: 'msg_a', conversationId: 'cnv_1', helpful: false, at: '2026-11-21T01:00:00.000Z' });
    repo.saveFeedback({ messageId: 'msg_a', conversationId: 'cnv_1', helpful: true, at: '2026-11-21T01:05:00.000Z' });
    expect([...repo.feedbackFor('cnv_1')]).toEqual([['msg_a', true]]);
    expect(db.prepare('select created_at, updated_at from widget_feedback').get()).toEqual({ created_at: '2026-11-21T01:00:00.000Z', updated_at: '2026-11-21T01:05:00.000Z' });
    expect(repo.feedbackCounts('2026-11-21T00:00:00.000Z')).toEqual({ helpful: 1, notHelpful: 0 });
    expect(() => db.prepare("insert into widget_feedback values ('msg_g', 'cnv_1', 2, 'x', 'x')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("insert into widget_feedback values ('msg_nope', 'cnv_1', 1, 'x', 'x')").run()).toThrow(/FOREIGN KEY/);
  });

  it("reads the browser's own ids back from the stored guest messages", () => {
    const repo = new WidgetRepository(bindConnection({}, db));
    expect([...repo.clientMessageIds('cnv_1')]).toEqual([['msg_g', 'cm_abc12345']]);
    expect(repo.messageInfo('msg_a')).toMatchObject({ conversation_id: 'cnv_1', role: 'assistant' });
  });

  it('uses an index for every query', () => {
    expect(plan(WIDGET_SQL.messageInfo)).toMatch(/USING INDEX sqlite_autoindex_messages_1|USING PRIMARY KEY/);
    expect(plan(WIDGET_SQL.clientMessageIds)).toMatch(/USING INDEX messages_conversation/);
    expect(plan(WIDGET_SQL.feedbackFor)).toMatch(/USING INDEX widget_feedback_conversation/);
    expect(plan(WIDGET_SQL.updateFeedback)).toMatch(/USING INDEX sqlite_autoindex_widget_feedback_1|USING PRIMARY KEY/);
    expect(plan(WIDGET_SQL.feedbackCounts)).toMatch(/USING INDEX widget_feedback_created_at/);
  });
});
