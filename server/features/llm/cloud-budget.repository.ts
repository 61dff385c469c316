import type { BudgetStore } from './cloud-budget.js';
import type { Db } from '../../db/sqlite.js';

/** Cloud spend kept in each hotel's own database, per hotel day. */
export class SqliteBudgetStore implements BudgetStore {
  constructor(private readonly dbFor: (propertyId: string) => Db) {}

  spentUsd(propertyId: string, day: string): number {
    const row = this.dbFor(propertyId).prepare('select spent_usd from cloud_spend where day = ?').get(day) as { spent_usd: number } | undefined;
    return row?.spent_usd ?? 0;
  }

  addUsd(propertyId: string, day: string, usd: number): void {
    this.dbFor(propertyId)
      .prepare('insert into cloud_spend (day, spent_usd) values (?, ?) on conflict (day) do update set spent_usd = spent_usd + excluded.spent_usd')
      .run(day, usd);
  }
}
