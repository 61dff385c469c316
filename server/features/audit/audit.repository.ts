import type { Db } from '../../db/sqlite.js';

export interface AuditRow {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_label: string | null;
  action: string;
  target: string | null;
  property_id: string | null;
  request_id: string | null;
  address: string | null;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

/** A row with the names the log shows: who (the user's display name), where (the hotel), and the user it is about. */
interface AuditListRow extends AuditRow {
  actor_name: string | null;
  hotel_name: string | null;
  target_name: string | null;
}

export interface AuditFilter {
  propertyIds: readonly string[] | null;
  /** Include group-wide entries (no property) — admins only. */
  includeGroupWide: boolean;
  action?: string | undefined;
  actorId?: string | undefined;
  propertyId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: number | undefined;
  limit: number;
}

export class AuditRepository {
  constructor(private readonly db: Db) {}

  last(): { seq: number; hash: string } | undefined {
    return this.db.prepare('select seq, hash from audit_log order by seq desc limit 1').get() as { seq: number; hash: string } | undefined;
  }

  /** Appends in an immediate transaction so two writers cannot fork the chain. */
  append(build: (prev: { seq: number; hash: string } | undefined) => AuditRow): AuditRow {
    return this.db.transaction(() => {
      const row = build(this.last());
      this.db
        .prepare(
          `insert into audit_log (seq, at, actor_id, actor_role, actor_label, action, target, property_id, request_id, address, before_json, after_json, prev_hash, hash)
           values (@seq, @at, @actor_id, @actor_role, @actor_label, @action, @target, @property_id, @request_id, @address, @before_json, @after_json, @prev_hash, @hash)`,
        )
        .run(row);
      return row;
    }).immediate();
  }

  /** Every row in order, for chain verification. */
  *iterate(): IterableIterator<AuditRow> {
    yield* this.db.prepare('select * from audit_log order by seq').iterate() as IterableIterator<AuditRow>;
  }

  page(f: AuditFilter): AuditListRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.propertyIds !== null) {
      const scope = `a.property_id in (select value from json_each(?))`;
      where.push(f.includeGroupWide ? `(${scope} or a.property_id is null)` : scope);
      params.push(JSON.stringify(f.propertyIds));
    } else if (!f.includeGroupWide) {
      where.push('a.property_id is not null');
    }
    const filters: [string, unknown][] = [
      ['a.property_id = ?', f.propertyId],
      ['a.action = ?', f.action],
      ['a.actor_id = ?', f.actorId],
      ['a.at >= ?', f.from],
      ['a.at < ?', f.to],
      ['a.seq < ?', f.before],
    ];
    for (const [clause, value] of filters) {
      if (value === undefined) continue;
      where.push(clause);
      params.push(value);
    }
    const sql = `select a.*, u.display_name as actor_name, p.name as hotel_name, t.display_name as target_name
      from audit_log a
      left join users u on u.id = a.actor_id
      left join properties p on p.id = a.property_id
      left join users t on t.id = a.target
      ${where.length ? 'where ' + where.join(' and ') : ''} order by a.seq desc limit ?`;
    return this.db.prepare(sql).all(...params, f.limit) as AuditListRow[];
  }
}
