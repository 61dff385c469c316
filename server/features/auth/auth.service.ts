import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LoginRequest, SetupRequest, type User } from '../../contract/auth.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../shared/errors.js';
import { parseInput } from '../../shared/validation.js';
import type { AuditService } from '../audit/audit.service.js';
import { hashPassword, verifyPassword } from '../users/password.js';
import { publicUser, type UserService } from '../users/user.service.js';
import type { UserRecord } from '../users/user.repository.js';
import type { SessionRepository, ThrottleRow } from './session.repository.js';

interface AuthSettings {
  idleTimeoutMinutes: number;
  absoluteTimeoutHours: number;
  /** Failures before the lock gets long; delays grow from the third failure. */
  maxFailures: number;
  lockMinutes: number;
}

export interface Session {
  tokenHash: string;
  csrfToken: string;
  user: UserRecord;
  expiresAt: string;
  actor: Actor;
}

interface RequestOrigin {
  address: string | undefined;
  userAgent: string | undefined;
  requestId: string | undefined;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function actorFor(user: UserRecord, origin: Partial<RequestOrigin>): Actor {
  return {
    userId: user.id,
    role: user.role,
    label: user.displayName,
    requestId: origin.requestId,
    address: origin.address,
    propertyIds: user.allProperties ? null : user.propertyIds,
  };
}

/** Sign-in, first-run setup, sessions and login throttling (A7). */
export class AuthService {
  private setupToken: string | undefined;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserService,
    private readonly audit: AuditService,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
  ) {
    users.onRevoke((userId, reason, except) => {
      sessions.revokeAllForUser(userId, this.clock.now().toISOString(), reason, except);
    });
  }

  /** With no users yet, a one-time token that the first admin must present. */
  firstRunToken(): string | undefined {
    if (this.users.hasUsers()) {
      this.setupToken = undefined;
      return undefined;
    }
    this.setupToken ??= randomBytes(9).toString('base64url');
    return this.setupToken;
  }

  setupRequired(): boolean {
    return !this.users.hasUsers();
  }

  async setup(input: unknown, origin: RequestOrigin): Promise<{ token: string; session: Session }> {
    const data = parseInput(SetupRequest, input, 'The setup form');
    const expected = this.setupToken;
    if (!expected || this.users.hasUsers()) throw new ForbiddenError('Setup is already complete');
    if (!safeEqual(data.token, expected)) throw new ForbiddenError('The setup token is wrong');
    this.setupToken = undefined;
    const system: Actor = { userId: null, role: 'system', label: 'first-run setup', requestId: origin.requestId, address: origin.address, propertyIds: null };
    const user = await this.users.create({ email: data.email, displayName: data.displayName, password: data.password, role: 'admin', allProperties: true }, system);
    return this.openSession(this.users.record(user.id)!, origin);
  }

  private throttleKeys(email: string, address: string | undefined): string[] {
    return [`acct:${email.trim().toLowerCase()}`, ...(address ? [`addr:${address}`] : [])];
  }

  /** Seconds until this account/address may try again, or 0. */
  private blockedFor(keys: string[], now: Date): number {
    let wait = 0;
    for (const k of keys) {
      const t = this.sessions.throttle(k);
      if (t?.locked_until) wait = Math.max(wait, Math.ceil((Date.parse(t.locked_until) - now.getTime()) / 1000));
    }
    return Math.max(0, wait);
  }

  private noteFailure(keys: string[], now: Date): void {
    for (const key of keys) {
      const prev: ThrottleRow = this.sessions.throttle(key) ?? { key, failures: 0, locked_until: null, last_failure_at: null };
      // Forget old failures after a quiet lock period.
      const stale = prev.last_failure_at && now.getTime() - Date.parse(prev.last_failure_at) > this.settings.lockMinutes * 60_000;
      const failures = (stale ? 0 : prev.failures) + 1;
      let lockMs = 0;
      if (failures >= this.settings.maxFailures) lockMs = this.settings.lockMinutes * 60_000;
      else if (failures >= 3) lockMs = Math.min(2 ** (failures - 3), 60) * 1000;
      this.sessions.saveThrottle({
        key,
        failures,
        locked_until: lockMs ? new Date(now.getTime() + lockMs).toISOString() : null,
        last_failure_at: now.toISOString(),
      });
    }
  }

  async login(input: unknown, origin: RequestOrigin): Promise<{ token: string; session: Session }> {
    const data = parseInput(LoginRequest, input, 'The sign-in form');
    const now = this.clock.now();
    const keys = this.throttleKeys(data.email, origin.address);
    const anon: Actor = { userId: null, role: 'system', label: 'anonymous', requestId: origin.requestId, address: origin.address, propertyIds: null };
    const wait = this.blockedFor(keys, now);
    if (wait > 0) {
      this.audit.record(anon, { action: 'auth.login_blocked', target: data.email, after: { retryAfterSeconds: wait } });
      throw new TooManyRequestsError(wait, `Too many failed sign-ins. Try again in ${wait < 90 ? `${wait} second${wait === 1 ? "" : "s"}` : `${Math.ceil(wait / 60)} minutes`}.`);
    }
    const user = this.users.byEmail(data.email);
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const passwordOk = await verifyPassword(data.password, user?.passwordHash ?? (await this.dummyHash));
    let failure: string | undefined;
    if (!user || !passwordOk) failure = 'wrong email or password';
    else if (!user.active) failure = 'account deactivated';
    else if (user.totpEnabled && !(data.totp && this.users.checkTotp(user, data.totp))) failure = data.totp ? 'wrong two-factor code' : 'two-factor code required';
    if (failure) {
      if (failure !== 'two-factor code required') this.noteFailure(keys, now);
      this.audit.record(user ? actorFor(user, origin) : anon, { action: 'auth.login_failed', target: user?.id ?? data.email, after: { reason: failure } });
      if (failure === 'two-factor code required') throw new UnauthorizedError('Enter the six-digit code from your authenticator app');
      throw new UnauthorizedError(failure === 'account deactivated' ? 'This account is deactivated' : 'Wrong email or password');
    }
    for (const k of keys) this.sessions.clearThrottle(k);
    return this.openSession(user!, origin);
  }

  private openSession(user: UserRecord, origin: RequestOrigin): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.settings.absoluteTimeoutHours * 3_600_000).toISOString();
    const csrfToken = randomBytes(24).toString('base64url');
    const tokenHash = sha256(token);
    this.sessions.insert({
      token_hash: tokenHash,
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt,
      address: origin.address ?? null,
      user_agent: origin.userAgent?.slice(0, 300) ?? null,
    });
    const actor = actorFor(user, origin);
    this.audit.record(actor, { action: 'auth.login', target: user.id });
    return { token, session: { tokenHash, csrfToken, user, expiresAt, actor } };
  }

  /**
   * The live session for a cookie token; undefined when expired, idle too long or revoked. A request
   * the user made slides the idle window; a background refresh (`activity: false`, the UI's live
   * updates) does not, so a screen left open still signs out after the idle timeout.
   */
  resolve(token: string | undefined, origin: Partial<RequestOrigin>, opts: { activity?: boolean } = {}): Session | undefined {
    if (!token || token.length > 100) return undefined;
    const tokenHash = sha256(token);
    const live = this.live(tokenHash);
    if (!live) return undefined;
    const { row, user, now } = live;
    // Write the idle clock at most once a minute.
    if (opts.activity !== false && now.getTime() - Date.parse(row.last_seen_at) > 60_000) this.sessions.touch(tokenHash, now.toISOString());
    return { tokenHash, csrfToken: row.csrf_token, user, expiresAt: row.expires_at, actor: actorFor(user, origin) };
  }

  /** Whether a session found earlier is still valid, for long-lived streams; not counted as activity. */
  isLive(session: Pick<Session, 'tokenHash'>): boolean {
    return this.live(session.tokenHash) !== undefined;
  }

  private live(tokenHash: string) {
    const row = this.sessions.get(tokenHash);
    if (!row || row.revoked_at) return undefined;
    const now = this.clock.now();
    if (Date.parse(row.expires_at) <= now.getTime()) return undefined;
    if (now.getTime() - Date.parse(row.last_seen_at) > this.settings.idleTimeoutMinutes * 60_000) {
      this.sessions.revoke(tokenHash, now.toISOString(), 'idle timeout');
      return undefined;
    }
    const user = this.users.record(row.user_id);
    if (!user?.active) return undefined;
    return { row, user, now };
  }

  logout(session: Session): void {
    this.sessions.revoke(session.tokenHash, this.clock.now().toISOString(), 'logout');
    this.audit.record(session.actor, { action: 'auth.logout', target: session.user.id });
  }

  checkCsrf(session: Session, header: string | undefined): boolean {
    return Boolean(header) && safeEqual(header!, session.csrfToken);
  }

  publicUser(u: UserRecord): User {
    return publicUser(u);
  }
}
