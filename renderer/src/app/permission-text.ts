import { PERMISSIONS, type Permission } from '@contract/permissions';

const HOLDERS = { agent: 'all staff', manager: 'managers and administrators', admin: 'administrators' } as const;

/** Who holds a permission, in words, from the contract's table: "managers and administrators". */
export function whoMay(permission: Permission): string {
  const least = PERMISSIONS[permission];
  return least === null ? 'everyone' : HOLDERS[least];
}

/** The sentence under a read-only form: "Only managers and administrators can change hotel settings." */
export function onlyWhoMay(permission: Permission, what: string): string {
  return `Only ${whoMay(permission)} can ${what}.`;
}
