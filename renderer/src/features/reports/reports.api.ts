import {
  AddGapResult,
  Analytics,
  AnalyticsSummary,
  DrillPage,
  GroupSummary,
  KnowledgeGap,
  KnowledgeGapList,
  ReportInfo,
  ReportList,
  type DrillMetric,
  type RelativePeriod,
} from '@contract/reports';
import { useMemo } from 'react';
import type { z } from 'zod';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

export type { Analytics, AnalyticsSummary, DrillPage, GroupSummary, KnowledgeGap, ReportInfo };

/** Whole hotel days, both ends included (yyyy-mm-dd). */
export interface PeriodQuery {
  from: string;
  to: string;
}

/**
 * A period as the manager chose it: fixed dates, or "the last N days" (today, yesterday), which the
 * server resolves in each hotel's own time zone, ending on its local today.
 */
export type PeriodChoice = PeriodQuery | { last: RelativePeriod };

export interface DrillFilter {
  metric: DrillMetric;
  channel?: string | undefined;
  hour?: number | undefined;
  reason?: string | undefined;
  intent?: string | undefined;
}

export interface GapAnswer {
  category: 'rates' | 'rooms' | 'facilities' | 'dining' | 'directions' | 'policies' | 'faqs';
  title: string;
  content: string;
}

export interface ReportsApi {
  summary(propertyId: string, p: PeriodChoice, signal?: AbortSignal): Promise<AnalyticsSummary>;
  analytics(propertyId: string, p: PeriodChoice, signal?: AbortSignal): Promise<Analytics>;
  group(p: PeriodChoice, signal?: AbortSignal): Promise<GroupSummary>;
  drill(propertyId: string, p: PeriodQuery, f: DrillFilter, cursor?: string | null, signal?: AbortSignal): Promise<DrillPage>;
  history(propertyId: string, signal?: AbortSignal): Promise<z.infer<typeof ReportList>>;
  makeReport(propertyId: string, p: PeriodQuery): Promise<ReportInfo>;
  /** Where the browser downloads a stored report (the session cookie goes along). */
  fileUrl(propertyId: string, reportId: string, format: 'csv' | 'pdf'): string;
  gaps(propertyId: string, p: PeriodQuery | null, signal?: AbortSignal): Promise<KnowledgeGap[]>;
  answerGap(propertyId: string, gapId: string, answer: GapAnswer): Promise<z.infer<typeof AddGapResult>>;
  dismissGap(propertyId: string, gapId: string): Promise<KnowledgeGap>;
}

export function reportsApi(api: ApiClient, baseUrl = '/api/v1'): ReportsApi {
  const hotel = (id: string) => `/properties/${encodeURIComponent(id)}`;
  const period = (p: PeriodChoice) => ('last' in p ? `last=${encodeURIComponent(p.last)}` : `from=${encodeURIComponent(p.from)}&to=${encodeURIComponent(p.to)}`);
  return {
    summary: (id, p, signal) => api.get(`${hotel(id)}/analytics/summary?${period(p)}`, AnalyticsSummary, { signal }),
    analytics: (id, p, signal) => api.get(`${hotel(id)}/analytics?${period(p)}`, Analytics, { signal }),
    group: (p, signal) => api.get(`/group/analytics/summary?${period(p)}`, GroupSummary, { signal, timeoutMs: 30_000 }),
    drill: (id, p, f, cursor, signal) => {
      const params = new URLSearchParams({ from: p.from, to: p.to, metric: f.metric, limit: '50' });
      if (f.channel) params.set('channel', f.channel);
      if (f.hour !== undefined) params.set('hour', String(f.hour));
      if (f.reason) params.set('reason', f.reason);
      if (f.intent) params.set('intent', f.intent);
      if (cursor) params.set('cursor', cursor);
      return api.get(`${hotel(id)}/analytics/conversations?${params.toString()}`, DrillPage, { signal });
    },
    history: (id, signal) => api.get(`${hotel(id)}/reports?limit=30`, ReportList, { signal }),
    makeReport: (id, p) => api.post(`${hotel(id)}/reports`, p, ReportInfo, { timeoutMs: 30_000 }),
    fileUrl: (id, reportId, format) => `${baseUrl}${hotel(id)}/reports/${encodeURIComponent(reportId)}?format=${format}`,
    gaps: async (id, p, signal) => (await api.get(`${hotel(id)}/knowledge-gaps${p ? `?${period(p)}` : ''}`, KnowledgeGapList, { signal })).items,
    answerGap: (id, gapId, answer) => api.post(`${hotel(id)}/knowledge-gaps/${encodeURIComponent(gapId)}/knowledge`, answer, AddGapResult),
    dismissGap: (id, gapId) => api.post(`${hotel(id)}/knowledge-gaps/${encodeURIComponent(gapId)}/dismiss`, undefined, KnowledgeGap),
  };
}

export function useReportsApi(): ReportsApi {
  const api = useApi();
  return useMemo(() => reportsApi(api), [api]);
}
