/**
 * The daily cloud budget per hotel (C8). Spend is kept per property and per calendar day in the
 * hotel's own time zone, so "today" resets at the hotel's midnight, not the server's.
 */
export interface BudgetStore {
  /** USD spent on cloud calls by this property on this day (YYYY-MM-DD, hotel time). */
  spentUsd(propertyId: string, day: string): number | Promise<number>;
  addUsd(propertyId: string, day: string, usd: number): void | Promise<void>;
}

/** One formatter per time zone: making one costs far more than formatting with it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The hotel's calendar day for an instant, as YYYY-MM-DD. */
export function hotelDay(at: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD. Constructing first, so an unknown zone throws and is not kept.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    if (dayFormats.size > 1_000) dayFormats.clear();
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

export interface BudgetEvent {
  type: 'llm.budget.warning' | 'llm.budget.exhausted';
  propertyId: string;
  day: string;
  spentUsd: number;
  limitUsd: number;
}
