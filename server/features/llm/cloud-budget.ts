/**
 * The daily cloud budget per hotel (C8). Spend is kept per property and per calendar day in the
 * hotel's own time zone, so "today" resets at the hotel's midnight, not the server's.
 */
export interface BudgetStore {
  /** USD spent on cloud calls by this property on this day (YYYY-MM-DD, hotel time). */
  spentUsd(propertyId: string, day: string): number | Promise<number>;
  addUsd(propertyId: string, day: string, usd: number): void | Promise<void>;
}

/** The hotel's calendar day for an instant, as YYYY-MM-DD. */
export function hotelDay(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export interface BudgetEvent {
  type: 'llm.budget.warning' | 'llm.budget.exhausted';
  propertyId: string;
  day: string;
  spentUsd: number;
  limitUsd: number;
}
