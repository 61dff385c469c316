import { prepared, type Db } from '../../db/sqlite.js';
import type { ChannelName } from '../../contract/channels.js';

/** A guest channel, as bound to a hotel. */
export type BoundChannel = ChannelName;

export interface BindingRow {
  id: string;
  property_id: string;
  channel: BoundChannel;
  routing_key: string;
  secrets_enc: Buffer;
  settings: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export class ChannelBindingRepository {
  constructor(private readonly db: Db) {}

  byRoutingKey(channel: BoundChannel, routingKey: string): BindingRow | undefined {
    return prepared(this.db, 'select * from channel_bindings where channel = ? and routing_key = ? and active = 1').get(channel, routingKey) as BindingRow | undefined;
  }

  /** A binding whose key was rotated but is still inside its overlap window. */
  byPreviousKey(channel: BoundChannel, key: string, now: string): BindingRow | undefined {
    return prepared(
      this.db,
      `select * from channel_bindings where channel = ? and active = 1 and json_extract(settings, '$.previousKey') = ? and json_extract(settings, '$.previousKeyValidUntil') > ?`,
    ).get(channel, key, now) as BindingRow | undefined;
  }

  byProperty(propertyId: string, channel: BoundChannel): BindingRow | undefined {
    return prepared(this.db, 'select * from channel_bindings where property_id = ? and channel = ?').get(propertyId, channel) as BindingRow | undefined;
  }

  listForProperty(propertyId: string): BindingRow[] {
    return prepared(this.db, 'select * from channel_bindings where property_id = ? order by channel').all(propertyId) as BindingRow[];
  }

  upsert(row: BindingRow): void {
    prepared(
      this.db,
      `insert into channel_bindings (id, property_id, channel, routing_key, secrets_enc, settings, active, created_at, updated_at)
       values (@id, @property_id, @channel, @routing_key, @secrets_enc, @settings, @active, @created_at, @updated_at)
       on conflict (property_id, channel) do update set routing_key = @routing_key, secrets_enc = @secrets_enc, settings = @settings,
       active = @active, updated_at = @updated_at`,
    ).run(row);
  }

  /** Token bucket for the public listener: refills at `ratePerSec` up to `burst`; false when empty. */
  take(key: string, burst: number, ratePerSec: number, nowMs: number): { allowed: boolean; retryAfterSeconds: number } {
    return this.db.transaction(() => {
      const row = prepared(this.db, 'select tokens, updated_at_ms from rate_limits where key = ?').get(key) as { tokens: number; updated_at_ms: number } | undefined;
      const tokens = Math.min(burst, (row?.tokens ?? burst) + (row ? ((nowMs - row.updated_at_ms) / 1000) * ratePerSec : 0));
      const allowed = tokens >= 1;
      const next = allowed ? tokens - 1 : tokens;
      prepared(this.db, 'insert into rate_limits (key, tokens, updated_at_ms) values (?, ?, ?) on conflict (key) do update set tokens = excluded.tokens, updated_at_ms = excluded.updated_at_ms')
        .run(key, next, nowMs);
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - next) / ratePerSec)) };
    }).immediate();
  }

  pruneRateLimits(olderThanMs: number): number {
    return prepared(this.db, 'delete from rate_limits where updated_at_ms < ?').run(olderThanMs).changes;
  }
}
