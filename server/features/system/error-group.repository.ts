import type { Db } from '../../db/sqlite.js';

export interface ErrorGroup {
  fingerprint: string;
  name: string;
  message: string;
  route: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export class ErrorGroupRepository {
  constructor(private readonly db: Db) {}

  bump(g: { fingerprint: string; name: string; message: string; route: string | null }, now: string): void {
    this.db
      .prepare(
        `insert into error_groups (fingerprint, name, message, route, count, first_seen, last_seen)
         values (@fingerprint, @name, @message, @route, 1, @now, @now)
         on conflict (fingerprint) do update set count = count + 1, last_seen = @now, message = @message`,
      )
      .run({ ...g, now });
  }

  list(limit: number): ErrorGroup[] {
    return this.db
      .prepare(
        `select fingerprint, name, message, route, count, first_seen as firstSeen, last_seen as lastSeen
         from error_groups order by last_seen desc limit ?`,
      )
      .all(limit) as ErrorGroup[];
  }
}
