/**
 * The daily cloud budget per hotel (C8). Spend is kept per property and per calendar day in the
 * hotel's own time zone, so "today" resets at the hotel's midnight, not the server's.
 */
export interface BudgetStore {
  /** USD spent on cloud calls by this property on this day (YYYY-MM-DD, hotel time). */
  spentUsd(propertyId: string, day: string): number | Promise<number>;
  addUsd(propertyId: string, day: string, usd: number): void | Promise<void>;
}

export interface BudgetEvent {
  type: 'llm.budget.warning' | 'llm.budget.exhausted';
  propertyId: string;
  day: string;
  spentUsd: number;
  limitUsd: number;
}
