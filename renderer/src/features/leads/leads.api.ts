import { Lead, LeadPage, type LeadKind, type LeadStatus } from '@contract/conversations';
import { useMemo } from 'react';
import type { z } from 'zod';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

export type LeadIntent = Lead['intent'];

export interface LeadQuery {
  status?: LeadStatus | undefined;
  intent?: LeadIntent | undefined;
  afterHours?: boolean | undefined;
  /** Real leads, the other inquiries, or all. */
  kind?: LeadKind | undefined;
  /** ISO date-times; `to` exclusive. */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

export interface LeadPatch {
  status?: LeadStatus;
  bookingValue?: number;
  lostReason?: string;
  notes?: string;
  intent?: LeadIntent;
}

export interface LeadsApi {
  list(propertyId: string, query: LeadQuery, signal?: AbortSignal): Promise<z.infer<typeof LeadPage>>;
  get(propertyId: string, leadId: string, signal?: AbortSignal): Promise<Lead>;
  update(propertyId: string, leadId: string, patch: LeadPatch): Promise<Lead>;
}

export function leadsApi(api: ApiClient): LeadsApi {
  const base = (propertyId: string) => `/properties/${encodeURIComponent(propertyId)}/leads`;
  return {
    list: (propertyId, q, signal) => {
      const params = new URLSearchParams({ limit: String(q.limit) });
      if (q.status) params.set('status', q.status);
      if (q.intent) params.set('intent', q.intent);
      if (q.afterHours !== undefined) params.set('afterHours', String(q.afterHours));
      if (q.kind) params.set('kind', q.kind);
      if (q.from) params.set('from', q.from);
      if (q.to) params.set('to', q.to);
      return api.get(`${base(propertyId)}?${params.toString()}`, LeadPage, { signal });
    },
    get: (propertyId, leadId, signal) => api.get(`${base(propertyId)}/${encodeURIComponent(leadId)}`, Lead, { signal }),
    update: (propertyId, leadId, patch) => api.patch(`${base(propertyId)}/${encodeURIComponent(leadId)}`, patch, Lead),
  };
}

export function useLeadsApi(): LeadsApi {
  const api = useApi();
  return useMemo(() => leadsApi(api), [api]);
}
