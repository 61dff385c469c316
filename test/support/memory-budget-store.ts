import type { BudgetStore } from '../../server/features/llm/cloud-budget.js';

/** Cloud spend kept in memory, for tests of the router (the appliance keeps it in each hotel's database). */
export class MemoryBudgetStore implements BudgetStore {
  private readonly spent = new Map<string, number>();

  spentUsd(propertyId: string, day: string): number {
    return this.spent.get(`${propertyId}|${day}`) ?? 0;
  }

  addUsd(propertyId: string, day: string, usd: number): void {
    const key = `${propertyId}|${day}`;
    this.spent.set(key, (this.spent.get(key) ?? 0) + usd);
  }
}
