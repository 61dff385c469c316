import { prepared, type Db } from '../../db/sqlite.js';

const KEY = 'onboarding.progress';

/** The set-up guide's progress: one row of group.db's settings table, under its own key. */
export class SetupProgressRepository {
  constructor(private readonly db: Db) {}

  read(): unknown {
    const row = prepared(this.db, 'select value from settings where key = ?').get(KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : null;
  }

  write(value: unknown, at: string): void {
    prepared(this.db, 'insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at').run(
      KEY,
      JSON.stringify(value),
      at,
    );
  }

  clear(): void {
    prepared(this.db, 'delete from settings where key = ?').run(KEY);
  }
}
