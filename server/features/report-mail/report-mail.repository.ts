import type { ReportMailPreferences } from '../../contract/reports.js';
import { prepared, type Db } from '../../db/sqlite.js';

const PREFIX = 'report_mail:';

/** Each staff member's report e-mail choice: rows of group.db's settings table under their own keys. */
export class ReportMailRepository {
  constructor(private readonly db: Db) {}

  get(userId: string): unknown {
    const row = prepared(this.db, 'select value from settings where key = ?').get(PREFIX + userId) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : null;
  }

  save(userId: string, prefs: ReportMailPreferences, at: string): void {
    prepared(this.db, 'insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at').run(
      PREFIX + userId,
      JSON.stringify(prefs),
      at,
    );
  }

  /** Everyone who chose something, as (user id, stored value); one query over the primary key range. */
  all(): { userId: string; value: unknown }[] {
    const rows = prepared(this.db, "select key, value from settings where key >= ? and key < ? order by key").all(PREFIX, `${PREFIX}\uffff`) as { key: string; value: string }[];
    return rows.map((r) => ({ userId: r.key.slice(PREFIX.length), value: JSON.parse(r.value) as unknown }));
  }
}
