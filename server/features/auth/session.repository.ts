import { prepared, type Db } from '../../db/sqlite.js';

interface SessionRow {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  address: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

export interface ThrottleRow {
  key: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string | null;
}

export class SessionRepository {
  constructor(private readonly db: Db) {}

  insert(s: Omit<SessionRow, 'revoked_at'>): void {
    prepared(
      this.db,
      `insert into sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address, user_agent)
       values (@token_hash, @user_id, @csrf_token, @created_at, @last_seen_at, @expires_at, @address, @user_agent)`,
    ).run(s);
  }

  get(tokenHash: string): SessionRow | undefined {
    return prepared(this.db, 'select * from sessions where token_hash = ?').get(tokenHash) as SessionRow | undefined;
  }

  touch(tokenHash: string, at: string): void {
    prepared(this.db, 'update sessions set last_seen_at = ? where token_hash = ?').run(at, tokenHash);
  }

  revoke(tokenHash: string, at: string, reason: string): void {
    prepared(this.db, 'update sessions set revoked_at = ?, revoked_reason = ? where token_hash = ? and revoked_at is null').run(at, reason, tokenHash);
  }

  revokeAllForUser(userId: string, at: string, reason: string, exceptTokenHash?: string): number {
    return prepared(this.db, 'update sessions set revoked_at = ?, revoked_reason = ? where user_id = ? and revoked_at is null and token_hash <> ?')
      .run(at, reason, userId, exceptTokenHash ?? '').changes;
  }

  deleteExpired(before: string): number {
    return prepared(this.db, 'delete from sessions where expires_at < ? or (revoked_at is not null and revoked_at < ?)').run(before, before).changes;
  }

  throttle(key: string): ThrottleRow | undefined {
    return prepared(this.db, 'select * from login_throttle where key = ?').get(key) as ThrottleRow | undefined;
  }

  saveThrottle(row: ThrottleRow): void {
    prepared(
      this.db,
      `insert into login_throttle (key, failures, locked_until, last_failure_at) values (@key, @failures, @locked_until, @last_failure_at)
       on conflict (key) do update set failures = @failures, locked_until = @locked_until, last_failure_at = @last_failure_at`,
    ).run(row);
  }

  clearThrottle(key: string): void {
    prepared(this.db, 'delete from login_throttle where key = ?').run(key);
  }
}
