import { connectionOf, type Transactional } from '../../db/handle.js';
import { prepared, type Db } from '../../db/sqlite.js';

/** An encrypted column of a hotel database: table, id column, sealed column, AAD column name. */
interface SealedColumn {
  table: string;
  id: string;
  column: string;
  aad: string;
}

/** Every encrypted column of a hotel database (the allow-list of identifiers the SQL below uses). */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'guests', id: 'id', column: 'name_enc', aad: 'name' },
  { table: 'guests', id: 'id', column: 'phone_enc', aad: 'phone' },
  { table: 'guests', id: 'id', column: 'email_enc', aad: 'email' },
  { table: 'conversations', id: 'id', column: 'reply_to_enc', aad: 'reply_to' },
  { table: 'conversations', id: 'id', column: 'subject_enc', aad: 'subject' },
  { table: 'messages', id: 'id', column: 'body_enc', aad: 'body' },
  { table: 'leads', id: 'id', column: 'details_enc', aad: 'details' },
  { table: 'outbox', id: 'id', column: 'payload_enc', aad: 'payload' },
  { table: 'knowledge_gaps', id: 'id', column: 'question_enc', aad: 'question' },
  { table: 'message_media', id: 'message_id', column: 'data_enc', aad: 'data' },
];

/** The slot a sealed value is bound to (its AAD). */
export interface SealedSlot {
  table: string;
  column: string;
  rowId: string;
}

/**
 * The encrypted values of a hotel database, column by column, for data-key rotation (B4): which
 * are still under an older key version, and re-sealing them in place.
 */
export class SealedColumnRepository {
  private readonly db: Db;

  constructor(private readonly store: Pick<Transactional, 'transaction'>) {
    this.db = connectionOf(store);
  }

  /** Per sealed column, the ids of rows whose value is under another key version than `version`. */
  stale(version: number): { spec: SealedColumn; ids: string[] }[] {
    const hex = version.toString(16).padStart(2, '0').toUpperCase();
    return SEALED_COLUMNS.map((spec) => ({
      spec,
      // Byte 2 of a sealed value is its key version (field-crypto.ts).
      ids: (
        prepared(this.db, `select ${spec.id} as id from ${spec.table} where ${spec.column} is not null and length(${spec.column}) > 2 and hex(substr(${spec.column}, 2, 1)) <> ?`).all(hex) as {
          id: string | number;
        }[]
      ).map((r) => String(r.id)),
    }));
  }

  /** Re-seals these rows' values of one column in one transaction: `reseal` gets the stored value and its slot, returns the new one. */
  reseal(spec: SealedColumn, ids: readonly string[], reseal: (value: Buffer, slot: SealedSlot) => Buffer): void {
    if (!SEALED_COLUMNS.includes(spec)) throw new Error('not a sealed column');
    const read = prepared(this.db, `select ${spec.column} as v from ${spec.table} where ${spec.id} = ?`);
    const write = prepared(this.db, `update ${spec.table} set ${spec.column} = ? where ${spec.id} = ?`);
    this.store.transaction(() => {
      for (const id of ids) {
        const row = read.get(id) as { v: Buffer | null } | undefined;
        if (!row?.v) continue;
        write.run(reseal(row.v, { table: spec.table, column: spec.aad, rowId: id }), id);
      }
    });
  }
}
