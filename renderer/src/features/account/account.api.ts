import { useMemo } from 'react';
import { z } from 'zod';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

const TotpEnrolment = z.object({ uri: z.string(), secret: z.string() });
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

export interface AccountApi {
  /** Ends every other session of this account; this one stays signed in. */
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  startTotp(): Promise<TotpEnrolment>;
  confirmTotp(code: string): Promise<void>;
}

export function accountApi(api: ApiClient): AccountApi {
  return {
    changePassword: (currentPassword, newPassword) => api.postEmpty('/auth/password', { currentPassword, newPassword }),
    startTotp: () => api.post('/auth/totp/enroll', undefined, TotpEnrolment),
    confirmTotp: (code) => api.postEmpty('/auth/totp/confirm', { code }),
  };
}

export function useAccountApi(): AccountApi {
  const api = useApi();
  return useMemo(() => accountApi(api), [api]);
}
