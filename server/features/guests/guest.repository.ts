import { connectionOf } from '../../db/handle.js';
import { prepared, type Db } from '../../db/sqlite.js';
import type { PropertyScope } from '../properties/property.service.js';
import { newId } from '../../shared/ids.js';

export interface Guest {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  createdAt: string;
  updatedAt: string;
}

interface GuestRow {
  id: string;
  name_enc: Buffer | null;
  phone_enc: Buffer | null;
  email_enc: Buffer | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, name_enc, phone_enc, email_enc, created_at, updated_at';

/**
 * Guests of one hotel. Name, phone and email are stored only encrypted with the hotel's data key
 * (AAD = guests/<column>/<id>); phone and email are found through blind indexes.
 */
export class GuestRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'cipher' | 'blindIndex'>) {
    this.db = connectionOf(scope);
  }

  private decode(r: GuestRow): Guest {
    const { cipher } = this.scope;
    return {
      id: r.id,
      name: cipher.decryptNullable(r.name_enc, { table: 'guests', column: 'name', rowId: r.id }),
      phone: cipher.decryptNullable(r.phone_enc, { table: 'guests', column: 'phone', rowId: r.id }),
      email: cipher.decryptNullable(r.email_enc, { table: 'guests', column: 'email', rowId: r.id }),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  insert(g: { name?: string | null; phone?: string | null; email?: string | null }, now: string): Guest {
    const id = newId('gst');
    const { cipher, blindIndex } = this.scope;
    prepared(
      this.db,
      `insert into guests (id, name_enc, phone_enc, email_enc, phone_bidx, email_bidx, key_version, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      cipher.encryptNullable(g.name, { table: 'guests', column: 'name', rowId: id }),
      cipher.encryptNullable(g.phone, { table: 'guests', column: 'phone', rowId: id }),
      cipher.encryptNullable(g.email, { table: 'guests', column: 'email', rowId: id }),
      g.phone ? blindIndex.phone(g.phone) : null,
      g.email ? blindIndex.email(g.email) : null,
      cipher.currentVersion,
      now,
      now,
    );
    return { id, name: g.name ?? null, phone: g.phone ?? null, email: g.email ?? null, createdAt: now, updatedAt: now };
  }

  get(id: string): Guest | undefined {
    const row = prepared(this.db, `select ${COLUMNS} from guests where id = ?`).get(id) as GuestRow | undefined;
    return row && this.decode(row);
  }

  findByPhone(phone: string): Guest | undefined {
    const bidx = this.scope.blindIndex.phone(phone);
    if (!bidx) return undefined;
    const row = prepared(this.db, `select ${COLUMNS} from guests where phone_bidx = ? order by created_at limit 1`).get(bidx) as
      | GuestRow
      | undefined;
    return row && this.decode(row);
  }

  findByEmail(email: string): Guest | undefined {
    const bidx = this.scope.blindIndex.email(email);
    if (!bidx) return undefined;
    const row = prepared(this.db, `select ${COLUMNS} from guests where email_bidx = ? order by created_at limit 1`).get(bidx) as
      | GuestRow
      | undefined;
    return row && this.decode(row);
  }

  /** Fills or changes contact fields, re-encrypting them and their blind indexes. */
  updateContact(id: string, g: { name?: string | null; phone?: string | null; email?: string | null }, at: string): void {
    const { cipher, blindIndex } = this.scope;
    const sets: string[] = [];
    const params: unknown[] = [];
    if (g.name !== undefined) {
      sets.push('name_enc = ?');
      params.push(cipher.encryptNullable(g.name, { table: 'guests', column: 'name', rowId: id }));
    }
    if (g.phone !== undefined) {
      sets.push('phone_enc = ?', 'phone_bidx = ?');
      params.push(cipher.encryptNullable(g.phone, { table: 'guests', column: 'phone', rowId: id }), g.phone ? blindIndex.phone(g.phone) : null);
    }
    if (g.email !== undefined) {
      sets.push('email_enc = ?', 'email_bidx = ?');
      params.push(cipher.encryptNullable(g.email, { table: 'guests', column: 'email', rowId: id }), g.email ? blindIndex.email(g.email) : null);
    }
    if (!sets.length) return;
    prepared(this.db, `update guests set ${sets.join(', ')}, key_version = ?, updated_at = ? where id = ?`).run(...params, cipher.currentVersion, at, id);
  }

  isOptedOut(id: string): boolean {
    const row = prepared(this.db, 'select opted_out_at from guests where id = ?').get(id) as { opted_out_at: string | null } | undefined;
    return Boolean(row?.opted_out_at);
  }

  setOptOut(id: string, channel: string | null, at: string | null): void {
    prepared(this.db, 'update guests set opted_out_at = ?, opted_out_channel = ?, updated_at = coalesce(?, updated_at) where id = ?').run(at, channel, at, id);
  }

  optOutRecord(id: string): { optedOutAt: string | null; channel: string | null } {
    const row = prepared(this.db, 'select opted_out_at, opted_out_channel from guests where id = ?').get(id) as { opted_out_at: string | null; opted_out_channel: string | null } | undefined;
    return { optedOutAt: row?.opted_out_at ?? null, channel: row?.opted_out_channel ?? null };
  }

  /** The conversations of these guests, oldest first. */
  conversationIds(guestIds: readonly string[]): string[] {
    return prepared(this.db, 'select id from conversations where guest_id in (select value from json_each(?)) order by created_at, id').pluck().all(JSON.stringify(guestIds)) as string[];
  }

  /** How many messages and leads these guests have (what their erasure removes with them). */
  holdings(guestIds: readonly string[]): { messages: number; leads: number } {
    const list = JSON.stringify(guestIds);
    const messages = prepared(this.db, 'select count(*) from messages where conversation_id in (select id from conversations where guest_id in (select value from json_each(?)))').pluck().get(list) as number;
    const leads = prepared(this.db, 'select count(*) from leads where guest_id in (select value from json_each(?))').pluck().get(list) as number;
    return { messages, leads };
  }

  delete(id: string): void {
    prepared(this.db, 'delete from guests where id = ?').run(id);
  }

  count(): number {
    return (prepared(this.db, 'select count(*) as n from guests').get() as { n: number }).n;
  }

  /** Every guest id (a hotel's export). */
  allIds(): string[] {
    return prepared(this.db, 'select id from guests').pluck().all() as string[];
  }

  /** Deletes guests with no conversation left who have not written since `cutoff`. Returns how many. */
  deleteInactive(cutoff: string): number {
    return prepared(this.db, 'delete from guests where updated_at < ? and created_at < ? and not exists (select 1 from conversations c where c.guest_id = guests.id)').run(cutoff, cutoff).changes;
  }
}
