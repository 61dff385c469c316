import { connectionOf } from '../../db/handle.js';
import type { Message } from '../../contract/conversations.js';
import { prepared, type Db } from '../../db/sqlite.js';
import { ConversationRepository, type ConversationRow, type MessageRow } from '../conversations/conversation.repository.js';
import type { PropertyScope } from '../properties/property.service.js';
import { storedProviderId } from '../vault/provider-ids.js';

/** The statement this repository runs (a test asserts its query plan uses the index). */
export const UNANSWERED_SQL = `
  select m.*, null as media_mime_type, null as media_size from messages m join conversations c on c.id = m.conversation_id
  where m.external_id = ? and m.role = 'guest' and c.status = 'ai'
    and not exists (select 1 from messages r where r.conversation_id = m.conversation_id and r.role in ('assistant', 'staff') and r.rowid > m.rowid)`;

/**
 * Finds a guest message that a crash left half-done: stored, but with neither a reply after it
 * nor a hand-off (its conversation is still the AI's). The pipeline resumes such a message when
 * its event is delivered again, instead of skipping it as a duplicate.
 */
export class UnansweredRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'cipher' | 'blindIndex'>) {
    this.db = connectionOf(scope);
  }

  find(externalId: string): { conversation: ConversationRow; guestMessage: Message } | undefined {
    const row = prepared(this.db, UNANSWERED_SQL).get(storedProviderId(this.scope.blindIndex, externalId)) as (MessageRow & { conversation_id: string }) | undefined;
    if (!row) return undefined;
    const conversations = new ConversationRepository(this.scope);
    return { conversation: conversations.get(row.conversation_id)!, guestMessage: conversations.decodeMessage(row) };
  }
}
