import { prepared, type Db } from '../../db/sqlite.js';
import type { DeskHours, Property } from '../../contract/properties.js';

interface PropertyRow {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  currency: string;
  plan: Property['plan'];
  active: number;
  retention_days: number;
  desk_hours: string;
  closures: string;
  confidence_threshold: number;
  quiet_hours_start: string;
  quiet_hours_end: string;
  cloud_budget_usd: number | null;
  country: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'id, slug, name, timezone, currency, plan, active, retention_days, desk_hours, closures, confidence_threshold, quiet_hours_start, quiet_hours_end, cloud_budget_usd, country, created_at, updated_at';

function toProperty(r: PropertyRow): Property {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    timezone: r.timezone,
    currency: r.currency,
    plan: r.plan,
    active: r.active === 1,
    retentionDays: r.retention_days,
    deskHours: JSON.parse(r.desk_hours) as DeskHours,
    closures: JSON.parse(r.closures) as Property['closures'],
    confidenceThreshold: r.confidence_threshold,
    quietHours: { start: r.quiet_hours_start, end: r.quiet_hours_end },
    cloudBudgetUsd: r.cloud_budget_usd,
    country: r.country,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class PropertyRepository {
  constructor(private readonly db: Db) {}

  /** Every column as a named parameter (the update leaves id, slug and created_at as they are). */
  private row(p: Property): PropertyRow {
    return {
      id: p.id,
      slug: p.slug,
      name: p.name,
      timezone: p.timezone,
      currency: p.currency,
      plan: p.plan,
      active: p.active ? 1 : 0,
      retention_days: p.retentionDays,
      desk_hours: JSON.stringify(p.deskHours),
      closures: JSON.stringify(p.closures),
      confidence_threshold: p.confidenceThreshold,
      quiet_hours_start: p.quietHours.start,
      quiet_hours_end: p.quietHours.end,
      cloud_budget_usd: p.cloudBudgetUsd,
      country: p.country,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    };
  }

  insert(p: Property): void {
    prepared(
      this.db,
      `insert into properties (${COLUMNS}) values
       (@id, @slug, @name, @timezone, @currency, @plan, @active, @retention_days, @desk_hours, @closures,
        @confidence_threshold, @quiet_hours_start, @quiet_hours_end, @cloud_budget_usd, @country, @created_at, @updated_at)`,
    ).run(this.row(p));
  }

  update(p: Property): void {
    prepared(
      this.db,
      `update properties set name = @name, timezone = @timezone, currency = @currency, plan = @plan, active = @active,
       retention_days = @retention_days, desk_hours = @desk_hours, closures = @closures, confidence_threshold = @confidence_threshold,
       quiet_hours_start = @quiet_hours_start, quiet_hours_end = @quiet_hours_end, cloud_budget_usd = @cloud_budget_usd, country = @country,
       updated_at = @updated_at
       where id = @id`,
    ).run(this.row(p));
  }

  /** By id or slug. */
  find(idOrSlug: string): Property | undefined {
    const row = prepared(this.db, `select ${COLUMNS} from properties where id = ? or slug = ?`).get(idOrSlug, idOrSlug) as
      | PropertyRow
      | undefined;
    return row && toProperty(row);
  }

  list(): Property[] {
    return (prepared(this.db, `select ${COLUMNS} from properties order by name collate nocase, id`).all() as PropertyRow[]).map(toProperty);
  }

  slugTaken(slug: string): boolean {
    return prepared(this.db, 'select 1 from properties where slug = ?').get(slug) !== undefined;
  }

  delete(id: string): void {
    prepared(this.db, 'delete from properties where id = ?').run(id);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
