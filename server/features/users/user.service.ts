import { Secret, TOTP } from 'otpauth';
import { CreateUser, UpdateUser, ChangePassword, type Role, type User } from '../../contract/auth.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { parseInput } from '../../shared/validation.js';
import type { AuditService } from '../audit/audit.service.js';
import type { FieldCipher } from '../vault/field-crypto.js';
import { hashPassword, verifyPassword } from './password.js';
import type { UserRecord, UserRepository } from './user.repository.js';

export function publicUser(u: UserRecord): User {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    allProperties: u.allProperties,
    propertyIds: u.propertyIds,
    active: u.active,
    totpEnabled: u.totpEnabled,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

/** Called when a user's sessions must end (password change, deactivation, role change). */
type SessionRevoker = (userId: string, reason: string, exceptTokenHash?: string) => void;

export class UserService {
  private revokeSessions: SessionRevoker = () => {};

  constructor(
    private readonly repo: UserRepository,
    private readonly audit: AuditService,
    private readonly propertyExists: (id: string) => boolean,
    private readonly groupCipher: FieldCipher,
    private readonly clock: Clock,
  ) {}

  onRevoke(fn: SessionRevoker): void {
    this.revokeSessions = fn;
  }

  hasUsers(): boolean {
    return this.repo.count() > 0;
  }

  list(): User[] {
    return this.repo.list().map(publicUser);
  }

  get(id: string): User {
    const u = this.repo.byId(id);
    if (!u) throw new NotFoundError('No such user');
    return publicUser(u);
  }

  record(id: string): UserRecord | undefined {
    return this.repo.byId(id);
  }

  byEmail(email: string): UserRecord | undefined {
    return this.repo.byEmail(email.trim().toLowerCase());
  }

  private checkGrants(ids: readonly string[]): void {
    const unknown = ids.filter((id) => !this.propertyExists(id));
    if (unknown.length) throw new ValidationError('Unknown property in grants', unknown.map((id) => ({ path: 'propertyIds', message: `no property ${id}` })));
  }

  async create(input: unknown, actor: Actor): Promise<User> {
    const data = parseInput(CreateUser, input, 'The user');
    if (this.repo.byEmail(data.email)) throw new ConflictError('A user with this email already exists');
    this.checkGrants(data.propertyIds);
    const now = this.clock.now().toISOString();
    const record: UserRecord = {
      id: newId('usr'),
      email: data.email,
      displayName: data.displayName,
      role: data.role,
      allProperties: data.role === 'admin' ? true : data.allProperties,
      propertyIds: data.role === 'admin' ? [] : data.propertyIds,
      active: true,
      totpEnabled: false,
      createdAt: now,
      updatedAt: now,
      passwordHash: await hashPassword(data.password),
      totpSecretEnc: null,
      passwordChangedAt: now,
    };
    this.repo.transaction(() => {
      this.repo.insert(record);
      this.audit.record(actor, { action: 'user.create', target: record.id, after: publicUser(record) });
    });
    return publicUser(record);
  }

  async update(id: string, input: unknown, actor: Actor): Promise<User> {
    const patch = parseInput(UpdateUser, input, 'The user update');
    const current = this.repo.byId(id);
    if (!current) throw new NotFoundError('No such user');
    if (actor.userId === id && (patch.active === false || (patch.role && patch.role !== current.role))) {
      throw new ForbiddenError('You cannot deactivate yourself or change your own role');
    }
    if (patch.propertyIds) this.checkGrants(patch.propertyIds);
    const role: Role = patch.role ?? current.role;
    const next: UserRecord = {
      ...current,
      displayName: patch.displayName ?? current.displayName,
      role,
      allProperties: role === 'admin' ? true : (patch.allProperties ?? current.allProperties),
      propertyIds: role === 'admin' ? [] : (patch.propertyIds ?? current.propertyIds),
      active: patch.active ?? current.active,
      updatedAt: this.clock.now().toISOString(),
    };
    if (patch.password) {
      next.passwordHash = await hashPassword(patch.password);
      next.passwordChangedAt = next.updatedAt;
    }
    this.repo.transaction(() => {
      this.repo.update(next);
      this.audit.record(actor, { action: 'user.update', target: id, before: publicUser(current), after: { ...publicUser(next), passwordReset: Boolean(patch.password) } });
    });
    const accessChanged = !next.active || patch.password || role !== current.role || JSON.stringify(next.propertyIds) !== JSON.stringify(current.propertyIds) || next.allProperties !== current.allProperties;
    if (accessChanged) this.revokeSessions(id, patch.active === false ? 'deactivated' : patch.password ? 'password reset' : 'access changed');
    return publicUser(next);
  }

  async changePassword(userId: string, input: unknown, actor: Actor, currentTokenHash: string): Promise<void> {
    const data = parseInput(ChangePassword, input, 'The password change');
    const u = this.repo.byId(userId);
    if (!u) throw new NotFoundError('No such user');
    if (!(await verifyPassword(data.currentPassword, u.passwordHash))) {
      throw new ValidationError('The current password is wrong', [{ path: 'currentPassword', message: 'wrong password' }]);
    }
    const now = this.clock.now().toISOString();
    const next = { ...u, passwordHash: await hashPassword(data.newPassword), passwordChangedAt: now, updatedAt: now };
    this.repo.transaction(() => {
      this.repo.update(next);
      this.audit.record(actor, { action: 'user.password_change', target: userId });
    });
    this.revokeSessions(userId, 'password changed', currentTokenHash);
  }

  /** Starts TOTP enrolment: stores an encrypted secret (not yet enabled) and returns the otpauth URI. */
  enrollTotp(userId: string): { uri: string; secret: string } {
    const u = this.repo.byId(userId);
    if (!u) throw new NotFoundError('No such user');
    if (u.role === 'agent') throw new ForbiddenError('Two-factor sign-in is for admins and managers');
    const secret = new Secret({ size: 20 });
    const totp = new TOTP({ issuer: 'Nocturn', label: u.email, secret });
    this.repo.update({ ...u, totpSecretEnc: this.groupCipher.encrypt(secret.base32, { table: 'users', column: 'totp_secret', rowId: u.id }), totpEnabled: false, updatedAt: this.clock.now().toISOString() });
    return { uri: totp.toString(), secret: secret.base32 };
  }

  confirmTotp(userId: string, code: string, actor: Actor): void {
    const u = this.repo.byId(userId);
    if (!u?.totpSecretEnc) throw new ValidationError('Start two-factor enrolment first');
    if (!this.checkTotp(u, code)) throw new ValidationError('That code is not valid', [{ path: 'code', message: 'wrong or expired code' }]);
    this.repo.transaction(() => {
      this.repo.update({ ...u, totpEnabled: true, updatedAt: this.clock.now().toISOString() });
      this.audit.record(actor, { action: 'user.totp_enable', target: userId });
    });
  }

  checkTotp(u: UserRecord, code: string): boolean {
    if (!u.totpSecretEnc) return false;
    const secret = this.groupCipher.decrypt(u.totpSecretEnc, { table: 'users', column: 'totp_secret', rowId: u.id });
    const totp = new TOTP({ issuer: 'Nocturn', label: u.email, secret: Secret.fromBase32(secret) });
    return totp.validate({ token: code, timestamp: this.clock.now().getTime(), window: 1 }) !== null;
  }
}
