import type { ChannelCheck, CheckableChannel } from '../../contract/channels.js';
import { prepared, type Db } from '../../db/sqlite.js';

const key = (propertyId: string, channel: CheckableChannel) => `channel_check:${propertyId}:${channel}`;

/** The last credentials check per hotel and channel: rows of group.db's settings table under their own keys. */
export class ChannelCheckRepository {
  constructor(private readonly db: Db) {}

  get(propertyId: string, channel: CheckableChannel): unknown {
    const row = prepared(this.db, 'select value from settings where key = ?').get(key(propertyId, channel)) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : null;
  }

  save(propertyId: string, channel: CheckableChannel, check: ChannelCheck): void {
    prepared(this.db, 'insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at').run(
      key(propertyId, channel),
      JSON.stringify(check),
      check.checkedAt,
    );
  }
}
