import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { connectionOf } from '../../db/handle.js';
import { prepared, type Db } from '../../db/sqlite.js';
import { emailSpans, ISO_DATE, PHONE, replaceEmails } from '../../shared/redact.js';
import type { PropertyScope } from '../properties/property.service.js';

/** Longest text read for contact details (a guest message is bounded well below this at intake). */
const TEXT_CHARS = 20_000;
const BATCH = 500;
/** More guest records than one person has (a record per channel, and a few more) share an identifier: it is not followed. */
const MAX_SHARED = 6;
const MARK = { messages: 'guest_identifiers.messages', leads: 'guest_identifiers.leads', conversations: 'guest_identifiers.conversations' } as const;

/**
 * Phone numbers and email addresses written in a text, by the same rules that mask them in logs
 * (server/shared/redact.ts): with a + at least 7 digits, without one at least 9; dates are not phones.
 */
export function contactsIn(text: string): { phones: string[]; emails: string[] } {
  const bounded = text.slice(0, TEXT_CHARS);
  const emails = emailSpans(bounded).map(([s, e]) => bounded.slice(s, e));
  const phones = (replaceEmails(bounded, () => ' ').match(PHONE) ?? []).filter((m) => {
    const digits = m.replace(/\D/g, '').length;
    return !ISO_DATE.test(m) && (digits >= 9 || (m.startsWith('+') && digits >= 7));
  });
  return { phones, emails };
}

/**
 * The forms a phone number is looked up by: its digits as written, and its international digits
 * when the hotel's country reads it as a local number ("012-777 1234" in Malaysia is 60127771234),
 * so a number matches however it was written.
 */
function phoneForms(phone: string, country: string): string[] {
  const forms = new Set<string>();
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 6) forms.add(phone.trim().startsWith('00') ? digits.slice(2) : digits);
  const parsed = parsePhoneNumberFromString(phone.trim().startsWith('00') ? `+${digits.slice(2)}` : phone, country as CountryCode);
  if (parsed?.isPossible()) {
    forms.add(parsed.number.slice(1));
    // As written at home, with the trunk 0 most countries use ("012-777 1234").
    if (parsed.country === country) forms.add(`0${parsed.nationalNumber}`);
  }
  return [...forms];
}

interface Lookup {
  phone?: string | undefined;
  email?: string | undefined;
}

/** The keys of the guests in @ids: in their records, and (unless `held`) every identifier read for them. */
const guestKeysSql = (held: boolean): string =>
  `select phone_bidx from guests where id in (select value from json_each(@ids)) and phone_bidx is not null
   union select email_bidx from guests where id in (select value from json_each(@ids)) and email_bidx is not null
   union select bidx from guest_identifiers where ${held ? "source <> 'message' and " : ''}guest_id in (select value from json_each(@ids))`;
const KEYS_OF = guestKeysSql(false);
const HELD_BY = guestKeysSql(true);

/**
 * Where a guest's phone numbers and email addresses are held besides her guest record: written in
 * her messages, in her leads' details, in a conversation's reply-to address. Stored only as blind
 * indexes (property migration 0011); new rows are read in before each lookup (`catchUp`).
 */
export class GuestIdentifierRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'cipher' | 'blindIndex' | 'property'>) {
    this.db = connectionOf(scope);
  }

  /** Blind indexes of an identifier, in every form it may have been stored in. */
  keys(q: Lookup): string[] {
    const { blindIndex } = this.scope;
    const keys = new Set<string>();
    if (q.phone) {
      for (const f of phoneForms(q.phone, this.scope.property.country)) {
        const k = blindIndex.phone(f);
        if (k) keys.add(k);
      }
    }
    if (q.email) {
      const e = blindIndex.email(q.email);
      if (e) keys.add(e);
    }
    return [...keys];
  }

  private mark(key: string): string {
    return (prepared(this.db, 'select value from meta where key = ?').pluck().get(key) as string | undefined) ?? '';
  }

  private setMark(key: string, value: string): void {
    prepared(this.db, 'insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(key, value);
  }

  private indexText(text: string, guestId: string, source: 'message' | 'lead' | 'conversation', refId: string): number {
    const { phones, emails } = contactsIn(text);
    return this.indexValues({ phones, emails }, guestId, source, refId);
  }

  private indexValues(v: { phones: readonly (string | null)[]; emails: readonly (string | null)[] }, guestId: string, source: string, refId: string): number {
    const insert = prepared(this.db, 'insert or ignore into guest_identifiers (bidx, guest_id, source, ref_id) values (?, ?, ?, ?)');
    let added = 0;
    const keys = [...v.phones.flatMap((p) => (p ? this.keys({ phone: p }) : [])), ...v.emails.flatMap((e) => (e ? this.keys({ email: e }) : []))];
    for (const k of new Set(keys)) added += insert.run(k, guestId, source, refId).changes;
    return added;
  }

  /**
   * Reads in the guest messages, leads and reply-to addresses written since the last catch-up
   * (everything, the first time). Returns how many identifiers were added.
   */
  catchUp(): number {
    const { db } = this;
    const { cipher } = this.scope;
    return db.transaction(() => {
      let added = 0;
      for (let after = Number(this.mark(MARK.messages) || 0); ; ) {
        const rows = prepared(
          db,
          `select m.rowid as seq, m.id, m.body_enc, c.guest_id from messages m join conversations c on c.id = m.conversation_id
           where m.rowid > ? and m.role = 'guest' order by m.rowid limit ?`,
        ).all(after, BATCH) as { seq: number; id: string; body_enc: Buffer; guest_id: string }[];
        if (rows.length === 0) break;
        for (const r of rows) added += this.indexText(cipher.decrypt(r.body_enc, { table: 'messages', column: 'body', rowId: r.id }), r.guest_id, 'message', r.id);
        after = rows.at(-1)!.seq;
        this.setMark(MARK.messages, String(after));
      }
      for (let [at = '', id = ''] = this.mark(MARK.leads).split('|'); ; ) {
        const rows = prepared(db, 'select id, guest_id, details_enc, updated_at from leads where updated_at > ? or (updated_at = ? and id > ?) order by updated_at, id limit ?')
          .all(at, at, id, BATCH) as { id: string; guest_id: string; details_enc: Buffer; updated_at: string }[];
        if (rows.length === 0) break;
        for (const r of rows) {
          const d = JSON.parse(cipher.decrypt(r.details_enc, { table: 'leads', column: 'details', rowId: r.id })) as { phone?: string | null; email?: string | null };
          added += this.indexValues({ phones: [d.phone ?? null], emails: [d.email ?? null] }, r.guest_id, 'lead', r.id);
        }
        [at, id] = [rows.at(-1)!.updated_at, rows.at(-1)!.id];
        this.setMark(MARK.leads, `${at}|${id}`);
      }
      for (let after = Number(this.mark(MARK.conversations) || 0); ; ) {
        const rows = prepared(db, 'select rowid as seq, id, guest_id, reply_to_enc from conversations where rowid > ? and reply_to_enc is not null order by rowid limit ?')
          .all(after, BATCH) as { seq: number; id: string; guest_id: string; reply_to_enc: Buffer }[];
        if (rows.length === 0) break;
        for (const r of rows) added += this.indexText(cipher.decrypt(r.reply_to_enc, { table: 'conversations', column: 'reply_to', rowId: r.id }), r.guest_id, 'conversation', r.id);
        after = rows.at(-1)!.seq;
        this.setMark(MARK.conversations, String(after));
      }
      // What retention deleted is forgotten here too: an identifier is kept only while its source is.
      db.exec(`delete from guest_identifiers where
        (source = 'message' and not exists (select 1 from messages m where m.id = guest_identifiers.ref_id)) or
        (source = 'lead' and not exists (select 1 from leads l where l.id = guest_identifiers.ref_id)) or
        (source = 'conversation' and not exists (select 1 from conversations c where c.id = guest_identifiers.ref_id))`);
      return added;
    })();
  }

  /** Guests whose record holds one of these keys, or who wrote it, or whose lead or reply-to address holds it. */
  guestsWith(keys: readonly string[]): string[] {
    return prepared(
      this.db,
      `select id from guests where phone_bidx in (select value from json_each(@keys)) or email_bidx in (select value from json_each(@keys))
       union select guest_id from guest_identifiers where bidx in (select value from json_each(@keys))`,
    ).pluck().all({ keys: JSON.stringify(keys) }) as string[];
  }

  /** Every key held for these guests: in their records, and read from their messages, leads and conversations. */
  keysOf(guestIds: readonly string[]): string[] {
    return this.guestKeys(guestIds, KEYS_OF);
  }

  /** Keys these guests hold themselves: in their records, leads and reply-to addresses (not numbers they merely wrote). */
  heldBy(guestIds: readonly string[]): string[] {
    return this.guestKeys(guestIds, HELD_BY);
  }

  private guestKeys(guestIds: readonly string[], sql: string): string[] {
    return prepared(this.db, sql).pluck().all({ ids: JSON.stringify(guestIds) }) as string[];
  }

  /**
   * One guest, whole: the guest records the identifier is found in (held or written), and those
   * found by the other identifiers these records hold (her email in her WhatsApp lead finds the
   * record her emails created, and the chat where she wrote it). An identifier found with more
   * than MAX_SHARED records is not followed: it is shared (a travel agent's or the hotel's own
   * number), not hers.
   */
  findGuest(q: Lookup): string[] {
    this.catchUp();
    const asked = this.keys(q);
    const found = new Set(this.guestsWith(asked));
    if (found.size === 0) return [];
    for (const key of this.heldBy([...found])) {
      if (asked.includes(key)) continue;
      const more = this.guestsWith([key]);
      if (more.length <= MAX_SHARED) more.forEach((id) => found.add(id));
    }
    return [...found];
  }
}
