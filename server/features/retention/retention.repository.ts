import { connectionOf, type Transactional } from '../../db/handle.js';
import { prepared, type Db } from '../../db/sqlite.js';

/** When the nightly purge last ran in a hotel (its local date), kept in the hotel's meta table. */
export class RetentionRepository {
  private readonly db: Db;

  constructor(store: Pick<Transactional, 'transaction'>) {
    this.db = connectionOf(store);
  }

  lastRun(): string | undefined {
    return prepared(this.db, `select value from meta where key = 'retention_last_run'`).pluck().get() as string | undefined;
  }

  markRun(localDate: string): void {
    prepared(this.db, `insert into meta (key, value) values ('retention_last_run', ?) on conflict (key) do update set value = excluded.value`).run(localDate);
  }
}
