import type { Db } from '../../db/sqlite.js';
import type { Role, User } from '../../contract/auth.js';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  role: Role;
  all_properties: number;
  active: number;
  totp_secret_enc: Buffer | null;
  totp_enabled: number;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
  property_ids: string | null;
}

export interface UserRecord extends User {
  passwordHash: string;
  totpSecretEnc: Buffer | null;
  passwordChangedAt: string;
}

const SELECT = `select u.*, (select json_group_array(g.property_id) from user_grants g where g.user_id = u.id) as property_ids from users u`;

function toRecord(r: UserRow): UserRecord {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    allProperties: r.all_properties === 1,
    propertyIds: r.property_ids ? (JSON.parse(r.property_ids) as string[]).sort() : [],
    active: r.active === 1,
    totpEnabled: r.totp_enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    passwordHash: r.password_hash,
    totpSecretEnc: r.totp_secret_enc,
    passwordChangedAt: r.password_changed_at,
  };
}

export class UserRepository {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('select count(*) as n from users').get() as { n: number }).n;
  }

  byId(id: string): UserRecord | undefined {
    const r = this.db.prepare(`${SELECT} where u.id = ?`).get(id) as UserRow | undefined;
    return r && toRecord(r);
  }

  byEmail(email: string): UserRecord | undefined {
    const r = this.db.prepare(`${SELECT} where u.email = ?`).get(email) as UserRow | undefined;
    return r && toRecord(r);
  }

  list(): UserRecord[] {
    return (this.db.prepare(`${SELECT} order by u.display_name collate nocase, u.id`).all() as UserRow[]).map(toRecord);
  }

  insert(u: UserRecord): void {
    this.db
      .prepare(
        `insert into users (id, email, display_name, password_hash, role, all_properties, active, totp_secret_enc, totp_enabled, password_changed_at, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(u.id, u.email, u.displayName, u.passwordHash, u.role, u.allProperties ? 1 : 0, u.active ? 1 : 0, u.totpSecretEnc, u.totpEnabled ? 1 : 0, u.passwordChangedAt, u.createdAt, u.updatedAt);
    this.setGrants(u.id, u.propertyIds);
  }

  update(u: UserRecord): void {
    this.db
      .prepare(
        `update users set display_name = ?, password_hash = ?, role = ?, all_properties = ?, active = ?, totp_secret_enc = ?, totp_enabled = ?,
         password_changed_at = ?, updated_at = ? where id = ?`,
      )
      .run(u.displayName, u.passwordHash, u.role, u.allProperties ? 1 : 0, u.active ? 1 : 0, u.totpSecretEnc, u.totpEnabled ? 1 : 0, u.passwordChangedAt, u.updatedAt, u.id);
    this.setGrants(u.id, u.propertyIds);
  }

  private setGrants(userId: string, propertyIds: readonly string[]): void {
    this.db.prepare('delete from user_grants where user_id = ?').run(userId);
    const ins = this.db.prepare('insert into user_grants (user_id, property_id) values (?, ?)');
    for (const p of new Set(propertyIds)) ins.run(userId, p);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
