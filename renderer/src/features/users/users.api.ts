import { CreateUser, UpdateUser, User, UserList } from '@contract/auth';
import { useMemo } from 'react';
import type { z } from 'zod';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

export type NewUser = z.input<typeof CreateUser>;
export type UserPatch = z.input<typeof UpdateUser>;

export interface UsersApi {
  list(signal?: AbortSignal): Promise<User[]>;
  get(id: string, signal?: AbortSignal): Promise<User>;
  create(input: NewUser): Promise<User>;
  /** Sends only what changed; the server ends the person's sessions when their access changes. */
  update(id: string, patch: UserPatch): Promise<User>;
}

export function usersApi(api: ApiClient): UsersApi {
  const one = (id: string) => `/users/${encodeURIComponent(id)}`;
  return {
    list: async (signal) => (await api.get('/users', UserList, { signal })).items,
    get: (id, signal) => api.get(one(id), User, { signal }),
    create: (input) => api.post('/users', input, User),
    update: (id, patch) => api.patch(one(id), patch, User),
  };
}

export function useUsersApi(): UsersApi {
  const api = useApi();
  return useMemo(() => usersApi(api), [api]);
}
