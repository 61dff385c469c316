import { z } from 'zod';

export const ROLES = ['agent', 'manager', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Email = z.string().trim().toLowerCase().pipe(z.email({ message: 'not a valid email address' })).pipe(z.string().max(254));
export const Password = z.string().min(12, 'at least 12 characters').max(256);

export const LoginRequest = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(256), totp: z.string().regex(/^\d{6}$/).optional() }).strict();
export const SetupRequest = z.object({ token: z.string().min(1).max(200), email: Email, displayName: z.string().trim().min(1).max(120), password: Password }).strict();

export const User = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: Role,
  allProperties: z.boolean(),
  propertyIds: z.array(z.string()),
  active: z.boolean(),
  totpEnabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

export const SessionInfo = z.object({
  authenticated: z.boolean(),
  setupRequired: z.boolean(),
  user: User.optional(),
  csrfToken: z.string().optional(),
  expiresAt: z.string().optional(),
  idleTimeoutSeconds: z.number().int().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const CreateUser = z
  .object({
    email: Email,
    displayName: z.string().trim().min(1).max(120),
    password: Password,
    role: Role,
    allProperties: z.boolean().default(false),
    propertyIds: z.array(z.string()).max(500).default([]),
  })
  .strict();
export const UpdateUser = z
  .object({
    displayName: z.string().trim().min(1).max(120),
    role: Role,
    allProperties: z.boolean(),
    propertyIds: z.array(z.string()).max(500),
    active: z.boolean(),
    password: Password,
  })
  .partial()
  .strict();
export const ChangePassword = z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password }).strict();
export const UserList = z.object({ items: z.array(User) });

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  actorLabel: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  propertyId: z.string().nullable(),
  requestId: z.string().nullable(),
  address: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  /** Who, by name: the user's display name (or the tool, for command-line and system entries). */
  actorName: z.string().nullable(),
  /** Where: the hotel's name (null for group-wide entries, or a hotel since removed). */
  hotel: z.string().nullable(),
  /** What happened, as a sentence (server/contract/audit-log.ts). */
  summary: z.string(),
  /** The fields that changed, before and after. */
  changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditPage = z.object({ items: z.array(AuditEntry), nextBefore: z.number().int().nullable() });
export const AuditVerification = z.object({ ok: z.boolean(), checked: z.number().int(), firstBrokenSeq: z.number().int().nullable(), reason: z.string().nullable() });

export const AiSwitchState = z.object({
  paused: z.boolean(),
  pausedBy: z.enum(['group', 'property']).nullable(),
  reason: z.string().nullable(),
  changedAt: z.string().nullable(),
});
export type AiSwitchState = z.infer<typeof AiSwitchState>;
export const SetAiSwitch = z.object({ paused: z.boolean(), reason: z.string().trim().max(300).optional() }).strict();

/**
 * Sent (value "1") by the staff UI on requests it makes by itself - live refreshes after an event -
 * so they do not count as the user's activity and an unattended screen still reaches its idle timeout.
 */
export const BACKGROUND_HEADER = 'x-nocturn-background';
