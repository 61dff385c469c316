import type { User } from '@contract/auth';
import { useMemo } from 'react';
import { useCan, useSession } from '../../app/session-gate';
import { useResource } from '../../shared/use-resource';
import { useUsersApi } from '../users/users.api';

export interface StaffDirectory {
  /** "You", a colleague's name (admins see every name), or "A colleague". */
  nameOf(userId: string | null): string;
  /** Colleagues who may be assigned a conversation of this hotel; empty when the list is not visible to this role. */
  assignable(propertyId: string): User[];
  me: User;
}

export function useStaffDirectory(): StaffDirectory {
  const { user } = useSession();
  const can = useCan();
  const api = useUsersApi();
  const canList = can('users.read');
  const [users] = useResource((signal) => (canList ? api.list(signal) : Promise.resolve([] as User[])), [api, canList]);
  return useMemo(() => {
    const list = users.status === 'ready' ? users.data : [];
    const byId = new Map(list.map((u) => [u.id, u]));
    return {
      me: user,
      nameOf: (id) => {
        if (!id) return 'Staff';
        if (id === user.id) return 'You';
        return byId.get(id)?.displayName ?? 'A colleague';
      },
      assignable: (propertyId) => list.filter((u) => u.active && (u.allProperties || u.propertyIds.includes(propertyId))),
    };
  }, [users, user]);
}
