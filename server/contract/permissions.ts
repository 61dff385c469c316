import type { Role } from './auth.js';

/**
 * Every permission a route may declare, with the least role that holds it
 * (admin > manager > agent). 'public' needs no session (login, first-run setup).
 */
export const PERMISSIONS = {
  public: null,
  'session.self': 'agent',
  'auth.totp': 'manager',
  'properties.read': 'agent',
  'properties.create': 'admin',
  'properties.update': 'manager',
  'users.read': 'admin',
  'users.write': 'admin',
  'audit.read': 'manager',
  'audit.verify': 'admin',
  'ai.read': 'agent',
  'ai.pause': 'manager',
  'ai.pause_group': 'admin',
  'system.read': 'admin',
  'knowledge.read': 'agent',
  'knowledge.write': 'manager',
  'conversations.read': 'agent',
  'conversations.write': 'agent',
  'saved_replies.write': 'manager',
  'guests.reveal': 'agent',
  'leads.read': 'agent',
  'leads.write': 'agent',
  'channels.read': 'manager',
  'channels.write': 'admin',
  'reports.read': 'manager',
  'privacy.export': 'admin',
  'privacy.erase': 'admin',
} as const satisfies Record<string, Role | null>;

export type Permission = keyof typeof PERMISSIONS;

const RANK: Record<Role, number> = { agent: 1, manager: 2, admin: 3 };

export function isPermission(p: string): p is Permission {
  return Object.hasOwn(PERMISSIONS, p);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  const least = PERMISSIONS[permission];
  return least === null || RANK[role] >= RANK[least];
}
