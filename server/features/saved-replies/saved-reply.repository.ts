import { connectionOf } from '../../db/handle.js';
import type { SavedReply } from '../../contract/saved-replies.js';
import { prepared, type Db } from '../../db/sqlite.js';
import { newId } from '../../shared/ids.js';
import type { PropertyScope } from '../properties/property.service.js';

interface Row {
  id: string;
  shortcut: string;
  text: string;
  updated_at: string;
}

const toReply = (r: Row): SavedReply => ({ id: r.id, shortcut: r.shortcut, text: r.text, updatedAt: r.updated_at });

/** One hotel's saved replies, in its own database. */
export class SavedReplyRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction'>) {
    this.db = connectionOf(scope);
  }

  list(): SavedReply[] {
    return (prepared(this.db, 'select id, shortcut, text, updated_at from saved_replies order by shortcut').all() as Row[]).map(toReply);
  }

  get(id: string): SavedReply | undefined {
    const row = prepared(this.db, 'select id, shortcut, text, updated_at from saved_replies where id = ?').get(id) as Row | undefined;
    return row && toReply(row);
  }

  shortcutTaken(shortcut: string, exceptId: string | null): boolean {
    return prepared(this.db, 'select 1 from saved_replies where shortcut = ? and id is not ?').get(shortcut, exceptId) !== undefined;
  }

  insert(r: { shortcut: string; text: string; createdBy: string | null; at: string }): SavedReply {
    const id = newId('rpl');
    prepared(this.db, 'insert into saved_replies (id, shortcut, text, created_by, created_at, updated_at) values (?, ?, ?, ?, ?, ?)').run(id, r.shortcut, r.text, r.createdBy, r.at, r.at);
    return this.get(id)!;
  }

  update(id: string, r: { shortcut: string; text: string; at: string }): SavedReply {
    prepared(this.db, 'update saved_replies set shortcut = ?, text = ?, updated_at = ? where id = ?').run(r.shortcut, r.text, r.at, id);
    return this.get(id)!;
  }

  delete(id: string): boolean {
    return prepared(this.db, 'delete from saved_replies where id = ?').run(id).changes > 0;
  }

  explainList(): string[] {
    return (prepared(this.db, 'explain query plan select id, shortcut, text, updated_at from saved_replies order by shortcut').all() as { detail: string }[]).map((r) => r.detail);
  }
}
