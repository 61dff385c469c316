import { connectionOf } from '../../db/handle.js';
import type { Channel, ConversationNote, ConversationStatus, HandoffReason, Message } from '../../contract/conversations.js';
import { storedProviderId } from '../vault/provider-ids.js';
import { prepared, type Db } from '../../db/sqlite.js';
import type { PropertyScope } from '../properties/property.service.js';
import { newId } from '../../shared/ids.js';

export interface ConversationRow {
  id: string;
  guest_id: string;
  channel: Channel;
  thread_bidx: string;
  status: ConversationStatus;
  handoff_reason: HandoffReason | null;
  assigned_to: string | null;
  language: string;
  message_count: number;
  ai_confidence_sum: number;
  ai_confidence_count: number;
  unread_count: number;
  after_hours: number;
  last_message_at: string;
  last_guest_message_at: string | null;
  first_response_at: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConversationListRow extends ConversationRow {
  guest_name_enc: Buffer | null;
  guest_phone_enc: Buffer | null;
  guest_email_enc: Buffer | null;
  guest_opted_out_at: string | null;
  preview_id: string | null;
  preview_enc: Buffer | null;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  role: Message['role'];
  body_enc: Buffer;
  external_id: string | null;
  author_id: string | null;
  provider: Message['provider'];
  model: string | null;
  confidence: number | null;
  cited_item_ids: string;
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number | null;
  cost_usd: number | null;
  flags: string;
  delivery_status: string | null;
  created_at: string;
  /** From message_media, when the guest sent a file. */
  media_mime_type?: string | null;
  media_size?: number | null;
}

export interface NewMessage {
  conversationId: string;
  role: Message['role'];
  body: string;
  externalId?: string | null;
  authorId?: string | null;
  provider?: Message['provider'];
  model?: string | null;
  confidence?: number | null;
  citedItemIds?: string[];
  inputTokens?: number | null;
  outputTokens?: number | null;
  latencyMs?: number | null;
  costUsd?: number | null;
  flags?: string[];
  deliveryStatus?: string | null;
  createdAt: string;
}

interface ListFilter {
  statuses?: ConversationStatus[] | undefined;
  channel?: Channel | undefined;
  afterHours?: boolean | undefined;
  /** Keyset cursor: conversations ordered by (rank, last_message_at desc, id). */
  cursor?: { rank: number; lastMessageAt: string; id: string } | undefined;
  limit: number;
}

/**
 * `status_rank` (a generated column with its own index) orders the inbox: needs a person first.
 * The preview is the guest's latest words (not the assistant's hand-off notice); a conversation
 * the hotel started, with nothing from the guest yet, shows its latest message.
 */
const LIST_SELECT = `
  select c.*, c.status_rank as rank,
         g.name_enc as guest_name_enc, g.phone_enc as guest_phone_enc, g.email_enc as guest_email_enc, g.opted_out_at as guest_opted_out_at,
         m.id as preview_id, m.body_enc as preview_enc
  from conversations c
  join guests g on g.id = c.guest_id
  left join messages m on m.id = coalesce(
    (select id from messages where conversation_id = c.id and role = 'guest' order by rowid desc limit 1),
    (select id from messages where conversation_id = c.id order by rowid desc limit 1))`;

/** A guest message stored with neither a reply after it nor a hand-off (its conversation is still the AI's). */
const UNANSWERED_SQL = `
  select m.*, null as media_mime_type, null as media_size from messages m join conversations c on c.id = m.conversation_id
  where m.external_id = ? and m.role = 'guest' and c.status = 'ai'
    and not exists (select 1 from messages r where r.conversation_id = m.conversation_id and r.role in ('assistant', 'staff') and r.rowid > m.rowid)`;

/** Conversations and messages of one hotel; bodies encrypted with AAD messages/body/<id>. */
export class ConversationRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'cipher' | 'blindIndex'>) {
    this.db = connectionOf(scope);
  }

  /** A provider message id as stored (keyed hash; see provider-ids.ts). */
  private ext(externalId: string): string {
    return storedProviderId(this.scope.blindIndex, externalId);
  }

  findOpenByThread(threadBidx: string): ConversationRow | undefined {
    return prepared(this.db, `select * from conversations where thread_bidx = ? order by case when status = 'resolved' then 1 else 0 end, last_message_at desc limit 1`)
      .get(threadBidx) as ConversationRow | undefined;
  }

  get(id: string): ConversationRow | undefined {
    return prepared(this.db, 'select * from conversations where id = ?').get(id) as ConversationRow | undefined;
  }

  insert(c: { guestId: string; channel: Channel; threadBidx: string; status: ConversationStatus; language: string; afterHours: boolean; at: string }): ConversationRow {
    const id = newId('cnv');
    prepared(
      this.db,
      `insert into conversations (id, guest_id, channel, thread_bidx, status, language, after_hours, last_message_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, c.guestId, c.channel, c.threadBidx, c.status, c.language, c.afterHours ? 1 : 0, c.at, c.at, c.at);
    return this.get(id)!;
  }

  update(id: string, patch: Partial<Pick<ConversationRow, 'status' | 'handoff_reason' | 'assigned_to' | 'language' | 'unread_count' | 'first_response_at' | 'resolved_at'>>, at: string): void {
    const cols = Object.keys(patch) as (keyof typeof patch)[];
    const allowed = new Set(['status', 'handoff_reason', 'assigned_to', 'language', 'unread_count', 'first_response_at', 'resolved_at']);
    for (const c of cols) if (!allowed.has(c)) throw new Error(`column ${c} is not updatable`);
    const sets = cols.map((c) => `${c} = @${c}`).join(', ');
    prepared(this.db, `update conversations set ${sets}${sets ? ', ' : ''}updated_at = @at where id = @id`).run({ ...patch, at, id });
  }

  insertMessage(m: NewMessage): Message {
    const id = newId('msg');
    const flags = m.flags ?? [];
    const cited = m.citedItemIds ?? [];
    prepared(
      this.db,
      `insert into messages (id, conversation_id, role, body_enc, external_id, author_id, provider, model, confidence, cited_item_ids,
       input_tokens, output_tokens, latency_ms, cost_usd, flags, delivery_status, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id, m.conversationId, m.role, this.scope.cipher.encrypt(m.body, { table: 'messages', column: 'body', rowId: id }), m.externalId ? this.ext(m.externalId) : null, m.authorId ?? null,
      m.provider ?? null, m.model ?? null, m.confidence ?? null, JSON.stringify(cited), m.inputTokens ?? null, m.outputTokens ?? null,
      m.latencyMs ?? null, m.costUsd ?? null, JSON.stringify(flags), m.deliveryStatus ?? null, m.createdAt,
    );
    const confidence = m.role === 'assistant' && m.confidence != null ? m.confidence : null;
    prepared(
      this.db,
      `update conversations set message_count = message_count + 1, last_message_at = @at, updated_at = @at,
       last_guest_message_at = case when @role = 'guest' then @at else last_guest_message_at end,
       unread_count = case when @role = 'guest' then unread_count + 1 else unread_count end,
       first_response_at = case when first_response_at is null and @role in ('assistant', 'staff') then @at else first_response_at end,
       ai_confidence_sum = ai_confidence_sum + coalesce(@confidence, 0),
       ai_confidence_count = ai_confidence_count + case when @confidence is null then 0 else 1 end
       where id = @id`,
    ).run({ at: m.createdAt, role: m.role, confidence, id: m.conversationId });
    return {
      id, role: m.role, body: m.body, authorId: m.authorId ?? null, provider: m.provider ?? null, model: m.model ?? null, confidence: m.confidence ?? null,
      citedItemIds: cited, inputTokens: m.inputTokens ?? null, outputTokens: m.outputTokens ?? null, latencyMs: m.latencyMs ?? null, costUsd: m.costUsd ?? null,
      flags, deliveryStatus: m.deliveryStatus ?? null, createdAt: m.createdAt,
    };
  }

  /** Stores where replies to this conversation go (channel-specific), encrypted. */
  setReplyTo(id: string, replyTo: Record<string, unknown>): void {
    prepared(this.db, 'update conversations set reply_to_enc = ? where id = ?')
      .run(this.scope.cipher.encrypt(JSON.stringify(replyTo), { table: 'conversations', column: 'reply_to', rowId: id }), id);
  }

  replyTo(id: string): Record<string, unknown> | null {
    const row = prepared(this.db, 'select reply_to_enc from conversations where id = ?').get(id) as { reply_to_enc: Buffer | null } | undefined;
    if (!row?.reply_to_enc) return null;
    return JSON.parse(this.scope.cipher.decrypt(row.reply_to_enc, { table: 'conversations', column: 'reply_to', rowId: id })) as Record<string, unknown>;
  }

  /**
   * A guest message that a crash left half-done: stored, but with neither a reply after it nor a
   * hand-off. The pipeline resumes it when its event is delivered again, instead of skipping it.
   */
  unanswered(externalId: string): { conversation: ConversationRow; guestMessage: Message } | undefined {
    const row = prepared(this.db, UNANSWERED_SQL).get(this.ext(externalId)) as MessageRow | undefined;
    if (!row) return undefined;
    return { conversation: this.get(row.conversation_id)!, guestMessage: this.decodeMessage(row) };
  }

  messageExists(externalId: string): boolean {
    return prepared(this.db, 'select 1 from messages where external_id = ?').get(this.ext(externalId)) !== undefined;
  }

  setDeliveryStatus(messageId: string, status: string): void {
    prepared(this.db, 'update messages set delivery_status = ? where id = ?').run(status, messageId);
  }

  messages(conversationId: string): Message[] {
    const rows = prepared(
      this.db,
      `select m.*, mm.mime_type as media_mime_type, mm.size as media_size
       from messages m left join message_media mm on mm.message_id = m.id
       where m.conversation_id = ? order by m.rowid`,
    ).all(conversationId) as MessageRow[];
    return rows.map((r) => this.decodeMessage(r));
  }

  /** Staff notes on a conversation, oldest first; bodies encrypted with AAD conversation_notes/body/<id>. */
  notes(conversationId: string): ConversationNote[] {
    const rows = prepared(this.db, 'select id, author_id, body_enc, created_at from conversation_notes where conversation_id = ? order by created_at, rowid').all(conversationId) as {
      id: string;
      author_id: string | null;
      body_enc: Buffer;
      created_at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      authorId: r.author_id,
      body: this.scope.cipher.decrypt(r.body_enc, { table: 'conversation_notes', column: 'body', rowId: r.id }),
      createdAt: r.created_at,
    }));
  }

  insertNote(n: { conversationId: string; authorId: string | null; body: string; createdAt: string }): ConversationNote {
    const id = newId('note');
    prepared(this.db, 'insert into conversation_notes (id, conversation_id, author_id, body_enc, created_at) values (?, ?, ?, ?, ?)').run(
      id,
      n.conversationId,
      n.authorId,
      this.scope.cipher.encrypt(n.body, { table: 'conversation_notes', column: 'body', rowId: id }),
      n.createdAt,
    );
    return { id, authorId: n.authorId, body: n.body, createdAt: n.createdAt };
  }

  explainNotes(): string[] {
    return (prepared(this.db, 'explain query plan select id from conversation_notes where conversation_id = ? order by created_at, rowid').all('x') as { detail: string }[]).map((r) => r.detail);
  }

  recentGuestMessageCount(conversationId: string, since: string): number {
    return (prepared(this.db, "select count(*) as n from messages where conversation_id = ? and role = 'guest' and created_at >= ?").get(conversationId, since) as { n: number }).n;
  }

  decodeMessage(r: MessageRow): Message {
    return {
      id: r.id,
      role: r.role,
      body: this.scope.cipher.decrypt(r.body_enc, { table: 'messages', column: 'body', rowId: r.id }),
      authorId: r.author_id,
      provider: r.provider,
      model: r.model,
      confidence: r.confidence,
      citedItemIds: JSON.parse(r.cited_item_ids) as string[],
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      latencyMs: r.latency_ms,
      costUsd: r.cost_usd,
      flags: JSON.parse(r.flags) as string[],
      deliveryStatus: r.delivery_status,
      createdAt: r.created_at,
      ...(r.media_mime_type ? { media: { mimeType: r.media_mime_type, size: r.media_size ?? 0 } } : {}),
    };
  }

  /** The message a channel delivered under this id (a wamid), if stored. */
  messageIdByExternal(externalId: string): string | undefined {
    return (prepared(this.db, 'select id from messages where external_id = ?').get(this.ext(externalId)) as { id: string } | undefined)?.id;
  }

  hasMedia(messageId: string): boolean {
    return prepared(this.db, 'select 1 from message_media where message_id = ?').get(messageId) !== undefined;
  }

  conversationOfMessage(messageId: string): ConversationRow | undefined {
    return prepared(this.db, 'select c.* from conversations c join messages m on m.conversation_id = c.id where m.id = ?').get(messageId) as ConversationRow | undefined;
  }

  /** Keeps a file the guest sent with its message, encrypted; a second copy for the same message is ignored. */
  attachMedia(messageId: string, file: { mimeType: string; bytes: Buffer; sha256: string }, at: string): void {
    prepared(this.db, 'insert or ignore into message_media (message_id, mime_type, size, sha256, data_enc, created_at) values (?, ?, ?, ?, ?, ?)').run(
      messageId,
      file.mimeType,
      file.bytes.length,
      file.sha256,
      this.scope.cipher.encryptBytes(file.bytes, { table: 'message_media', column: 'data', rowId: messageId }),
      at,
    );
  }

  /** The file of a message in this conversation, decrypted; undefined when there is none. */
  media(conversationId: string, messageId: string): { mimeType: string; bytes: Buffer } | undefined {
    const row = prepared(
      this.db,
      'select mm.mime_type, mm.data_enc from message_media mm join messages m on m.id = mm.message_id where mm.message_id = ? and m.conversation_id = ?',
    ).get(messageId, conversationId) as { mime_type: string; data_enc: Buffer } | undefined;
    return row && { mimeType: row.mime_type, bytes: this.scope.cipher.decryptBytes(row.data_enc, { table: 'message_media', column: 'data', rowId: messageId }) };
  }

  decryptPreview(r: ConversationListRow): string | null {
    return r.preview_enc && r.preview_id ? this.scope.cipher.decrypt(r.preview_enc, { table: 'messages', column: 'body', rowId: r.preview_id }) : null;
  }

  /** The plan of the inbox query, for the test that keeps it on its index. */
  explainList(f: ListFilter): string[] {
    return (prepared(this.db, `explain query plan ${this.listSql(f).sql}`).all(this.listSql(f).params) as { detail: string }[]).map((r) => r.detail);
  }

  /** One query per page: conversation, guest and latest message together (no N+1). */
  private listSql(f: ListFilter): { sql: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: f.limit };
    if (f.statuses?.length) {
      where.push(`c.status in (select value from json_each(@statuses))`);
      params.statuses = JSON.stringify(f.statuses);
    }
    if (f.channel) {
      where.push('c.channel = @channel');
      params.channel = f.channel;
    }
    if (f.afterHours !== undefined) {
      where.push('c.after_hours = @afterHours');
      params.afterHours = f.afterHours ? 1 : 0;
    }
    if (f.cursor) {
      where.push(`(c.status_rank > @cRank or (c.status_rank = @cRank and (c.last_message_at < @cLast or (c.last_message_at = @cLast and c.id > @cId))))`);
      Object.assign(params, { cRank: f.cursor.rank, cLast: f.cursor.lastMessageAt, cId: f.cursor.id });
    }
    const sql = `${LIST_SELECT} ${where.length ? 'where ' + where.join(' and ') : ''} order by c.status_rank, c.last_message_at desc, c.id limit @limit`;
    return { sql, params };
  }

  list(f: ListFilter): (ConversationListRow & { rank: number })[] {
    const { sql, params } = this.listSql(f);
    return prepared(this.db, sql).all(params) as (ConversationListRow & { rank: number })[];
  }

  listRow(id: string): ConversationListRow | undefined {
    return prepared(this.db, `${LIST_SELECT} where c.id = ?`).get(id) as ConversationListRow | undefined;
  }

  /** Every conversation id, oldest first (a hotel's export). */
  allIds(): string[] {
    return prepared(this.db, 'select id from conversations order by created_at').pluck().all() as string[];
  }

  /**
   * Up to `limit` conversations quiet since `cutoff` whose lead, if any, is not converted or was
   * converted before `convertedCutoff` (retention, B5).
   */
  expiredIds(f: { cutoff: string; convertedCutoff: string; limit: number }): string[] {
    return prepared(
      this.db,
      `select c.id from conversations c left join leads l on l.conversation_id = c.id
       where c.last_message_at < @cutoff
         and (l.id is null or l.status <> 'converted' or coalesce(l.converted_at, l.updated_at) < @convertedCutoff)
       limit @limit`,
    )
      .pluck()
      .all(f) as string[];
  }

  /** How many messages these conversations hold. */
  messageCount(ids: readonly string[]): number {
    return prepared(this.db, 'select count(*) from messages where conversation_id in (select value from json_each(?))').pluck().get(JSON.stringify(ids)) as number;
  }

  /** Deletes these conversations; messages, files, leads and outbox rows go with them (foreign keys). Returns how many were deleted. */
  deleteMany(ids: readonly string[]): number {
    return prepared(this.db, 'delete from conversations where id in (select value from json_each(?))').run(JSON.stringify(ids)).changes;
  }
}
