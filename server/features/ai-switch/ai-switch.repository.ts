import { prepared, type Db } from '../../db/sqlite.js';

export interface SwitchRow {
  scope: string;
  paused: number;
  reason: string | null;
  changed_by: string | null;
  changed_at: string;
}

export class AiSwitchRepository {
  constructor(private readonly db: Db) {}

  get(scope: string): SwitchRow | undefined {
    return prepared(this.db, 'select * from ai_switches where scope = ?').get(scope) as SwitchRow | undefined;
  }

  set(row: SwitchRow): void {
    prepared(
      this.db,
      `insert into ai_switches (scope, paused, reason, changed_by, changed_at) values (@scope, @paused, @reason, @changed_by, @changed_at)
       on conflict (scope) do update set paused = @paused, reason = @reason, changed_by = @changed_by, changed_at = @changed_at`,
    ).run(row);
  }

  pausedScopes(): SwitchRow[] {
    return prepared(this.db, 'select * from ai_switches where paused = 1 order by scope').all() as SwitchRow[];
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
