import type { Role } from '../contract/auth.js';

/** Who is acting, for authorisation and the audit log. Passed from routes into services. */
export interface Actor {
  userId: string | null;
  role: Role | 'system';
  label: string;
  requestId?: string | undefined;
  address?: string | undefined;
  /** null = every hotel. */
  propertyIds: readonly string[] | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, role: 'system', label: 'system', propertyIds: null };

export function cliActor(label = 'cli'): Actor {
  return { userId: null, role: 'system', label, propertyIds: null };
}

export function canSeeProperty(actor: Actor, propertyId: string): boolean {
  return actor.propertyIds === null || actor.propertyIds.includes(propertyId);
}
