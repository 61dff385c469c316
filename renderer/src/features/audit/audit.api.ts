import { AuditPage, AuditVerification } from '@contract/auth';
import { useMemo } from 'react';
import type { z } from 'zod';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

export type AuditPage = z.infer<typeof AuditPage>;
export type AuditVerification = z.infer<typeof AuditVerification>;

export interface AuditQuery {
  action?: string | undefined;
  propertyId?: string | undefined;
  /** ISO date-times; `to` is exclusive. */
  from?: string | undefined;
  to?: string | undefined;
  /** Entries older than this sequence number (the previous page's `nextBefore`). */
  before?: number | undefined;
  limit: number;
}

export interface AuditApi {
  page(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage>;
  verify(signal?: AbortSignal): Promise<AuditVerification>;
}

export function auditApi(api: ApiClient): AuditApi {
  return {
    page: (query, signal) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
      return api.get(`/audit?${params.toString()}`, AuditPage, { signal });
    },
    // Walking a long chain takes a while; give it more than the usual time.
    verify: (signal) => api.get('/audit/verify', AuditVerification, { signal, timeoutMs: 60_000 }),
  };
}

export function useAuditApi(): AuditApi {
  const api = useApi();
  return useMemo(() => auditApi(api), [api]);
}
