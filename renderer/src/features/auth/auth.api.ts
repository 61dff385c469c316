import { SessionInfo } from '@contract/auth';
import { useMemo } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

export interface Credentials {
  email: string;
  password: string;
  totp?: string;
}

export interface FirstAdmin {
  token: string;
  email: string;
  displayName: string;
  password: string;
}

export interface AuthApi {
  session(signal?: AbortSignal): Promise<SessionInfo>;
  login(credentials: Credentials): Promise<SessionInfo>;
  setup(admin: FirstAdmin): Promise<SessionInfo>;
  logout(): Promise<void>;
}

export function authApi(api: ApiClient): AuthApi {
  const quiet = { ignoreUnauthorized: true };
  return {
    session: (signal) => api.get('/auth/session', SessionInfo, { signal, ...quiet }),
    login: (credentials) => api.post('/auth/login', credentials, SessionInfo, quiet),
    setup: (admin) => api.post('/auth/setup', admin, SessionInfo, quiet),
    logout: () => api.postEmpty('/auth/logout', undefined, quiet),
  };
}

export function useAuthApi(): AuthApi {
  const api = useApi();
  return useMemo(() => authApi(api), [api]);
}
