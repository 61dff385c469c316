import type { Db } from '../../db/sqlite.js';

interface WrappedKeyRow {
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

  retireOthers(propertyId: string, activeVersion: number): void {
    this.db.prepare(`update property_keys set status = 'retired' where property_id = ? and version <> ?`).run(propertyId, activeVersion);
  }

  deleteRetired(propertyId: string): number {
    return this.db.prepare(`delete from property_keys where property_id = ? and status = 'retired'`).run(propertyId).changes;
  }

  /** Every key version of a hotel: what it held can no longer be decrypted anywhere (crypto-shredding). */
  deletePropertyKeys(propertyId: string): number {
    return this.db.prepare('delete from property_keys where property_id = ?').run(propertyId).changes;
  }

  allPropertyKeys(): WrappedKeyRow[] {
    return this.db.prepare('select property_id, version, wrapped_dek, wrapped_bidx, status from property_keys order by property_id, version').all() as WrappedKeyRow[];
  }

  updateWrapped(propertyId: string, version: number, wrappedDek: Buffer, wrappedBidx: Buffer): void {
    this.db.prepare('update property_keys set wrapped_dek = ?, wrapped_bidx = ? where property_id = ? and version = ?').run(wrappedDek, wrappedBidx, propertyId, version);
  }

  replaceMasterCheck(kdfSalt: Buffer | null, checkValue: Buffer): void {
    this.db.prepare('update master_key_check set kdf_salt = ?, check_value = ? where id = 1').run(kdfSalt, checkValue);
  }

  /** Secrets encrypted with the group key: channel credentials and two-factor seeds. */
  groupSecrets(): { table: 'users' | 'channel_bindings'; column: 'totp_secret' | 'secrets'; id: string; value: Buffer }[] {
    const users = this.db.prepare('select id, totp_secret_enc as value from users where totp_secret_enc is not null').all() as { id: string; value: Buffer }[];
    const channels = this.db.prepare('select id, secrets_enc as value from channel_bindings').all() as { id: string; value: Buffer }[];
    return [
      ...users.map((u) => ({ table: 'users' as const, column: 'totp_secret' as const, ...u })),
      ...channels.map((c) => ({ table: 'channel_bindings' as const, column: 'secrets' as const, ...c })),
    ];
  }

  updateGroupSecret(table: 'users' | 'channel_bindings', id: string, value: Buffer): void {
    if (table === 'users') this.db.prepare('update users set totp_secret_enc = ? where id = ?').run(value, id);
    else this.db.prepare('update channel_bindings set secrets_enc = ? where id = ?').run(value, id);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  propertyKeys(propertyId: string): WrappedKeyRow[] {
    return this.db
      .prepare('select property_id, version, wrapped_dek, wrapped_bidx, status from property_keys where property_id = ? order by version')
      .all(propertyId) as WrappedKeyRow[];
  }
}
