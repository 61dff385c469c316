import type { Db } from '../../db/sqlite.js';

export interface WrappedKeyRow {
  property_id: string;
  version: number;
  wrapped_dek: Buffer;
  wrapped_bidx: Buffer;
  status: 'active' | 'retired';
}

/** Wrapped per-property keys and the master-key check value, in group.db. */
export class KeyRepository {
  constructor(private readonly db: Db) {}

  masterCheck(): { kdf_salt: Buffer | null; check_value: Buffer } | undefined {
    return this.db.prepare('select kdf_salt, check_value from master_key_check where id = 1').get() as
      | { kdf_salt: Buffer | null; check_value: Buffer }
      | undefined;
  }

  saveMasterCheck(kdfSalt: Buffer | null, checkValue: Buffer, now: string): void {
    this.db
      .prepare('insert into master_key_check (id, kdf_salt, check_value, created_at) values (1, ?, ?, ?)')
      .run(kdfSalt, checkValue, now);
  }

  insertPropertyKeys(row: Omit<WrappedKeyRow, 'status'>, now: string): void {
    this.db
      .prepare(
        `insert into property_keys (property_id, version, wrapped_dek, wrapped_bidx, status, created_at)
         values (?, ?, ?, ?, 'active', ?)`,
      )
      .run(row.property_id, row.version, row.wrapped_dek, row.wrapped_bidx, now);
  }

  propertyKeys(propertyId: string): WrappedKeyRow[] {
    return this.db
      .prepare('select property_id, version, wrapped_dek, wrapped_bidx, status from property_keys where property_id = ? order by version')
      .all(propertyId) as WrappedKeyRow[];
  }
}
