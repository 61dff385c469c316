import type { Request } from 'express';
import {
  AddGapResult,
  AddGapToKnowledge,
  Analytics,
  AnalyticsSummary,
  CreateReport,
  DrillPage,
  DrillQuery,
  GroupSummary,
  KnowledgeGap,
  KnowledgeGapList,
  KnowledgeGapQuery,
  ReportDetail,
  ReportFormatQuery,
  ReportInfo,
  ReportList,
  ReportListQuery,
  ReportPeriodQuery,
} from '../../contract/reports.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyScope } from '../properties/property.service.js';
import type { KnowledgeGapService } from './knowledge-gap.service.js';
import type { ReportService } from './report.service.js';

/** `?format=` wins; otherwise the Accept header chooses among JSON, CSV and PDF. */
function formatOf(req: Request, query: { format?: 'json' | 'csv' | 'pdf' | undefined }): 'json' | 'csv' | 'pdf' {
  if (query.format) return query.format;
  const accepted = req.accepts(['application/json', 'text/csv', 'application/pdf']);
  return accepted === 'text/csv' ? 'csv' : accepted === 'application/pdf' ? 'pdf' : 'json';
}

/** Managers and admins only (permission reports.read); agents get 403 on every one of these. */
export function reportRoutes(reports: ReportService, gaps: KnowledgeGapService, scopeOf: (idOrSlug: string) => PropertyScope): RouteDef[] {
  const base = '/api/v1/properties/:id';
  const scope = (params: Record<string, string>) => scopeOf(params.id!);
  return [
    route({
      method: 'get',
      path: `${base}/analytics`,
      summary: "A hotel's figures for a period (hotel days, both ends included): totals, daily trend, by channel, intent and hour of day",
      tag: 'reports',
      permission: 'reports.read',
      query: ReportPeriodQuery,
      response: Analytics,
      handler: ({ params, query }) => reports.analytics(scope(params), query),
    }),
    route({
      method: 'get',
      path: `${base}/analytics/summary`,
      summary: "The manager's hero numbers for a period, with the change against the previous period of equal length",
      tag: 'reports',
      permission: 'reports.read',
      query: ReportPeriodQuery,
      response: AnalyticsSummary,
      handler: ({ params, query }) => reports.summary(scope(params), query),
    }),
    route({
      method: 'get',
      path: `${base}/analytics/conversations`,
      summary: 'The conversations behind one number (drill-down): metric, period and optional channel, hour, reason or intent',
      tag: 'reports',
      permission: 'reports.read',
      query: DrillQuery,
      response: DrillPage,
      handler: ({ params, query }) => reports.drill(scope(params), query),
    }),
    route({
      method: 'get',
      path: '/api/v1/group/analytics/summary',
      summary: 'Hero numbers of every hotel the user may see, side by side, with counts summed and money summed per currency',
      tag: 'reports',
      permission: 'reports.read',
      query: ReportPeriodQuery,
      response: GroupSummary,
      handler: ({ query, actor }) => reports.groupSummary(actor, query),
    }),
    route({
      method: 'get',
      path: `${base}/reports`,
      summary: 'Report history: the daily and weekly reports, and those made on request, newest first',
      tag: 'reports',
      permission: 'reports.read',
      query: ReportListQuery,
      response: ReportList,
      handler: ({ params, query }) => reports.listReports(scope(params), query),
    }),
    route({
      method: 'post',
      path: `${base}/reports`,
      summary: 'Make a report for a period now and keep it in the history',
      tag: 'reports',
      permission: 'reports.read',
      body: CreateReport,
      response: ReportInfo,
      status: 201,
      handler: ({ params, body, actor }) => reports.requestReport(scope(params), body, actor),
    }),
    route({
      method: 'get',
      path: `${base}/reports/:reportId`,
      summary: 'One stored report: JSON, or ?format=csv (one row per conversation, no guest details) or ?format=pdf (or by Accept)',
      tag: 'reports',
      permission: 'reports.read',
      query: ReportFormatQuery,
      response: ReportDetail,
      handler: async ({ params, query, req, res }) => {
        const format = formatOf(req, query as { format?: 'json' | 'csv' | 'pdf' });
        if (format === 'json') return reports.getReport(scope(params), params.reportId!);
        const file = format === 'csv' ? reports.reportCsv(scope(params), params.reportId!) : await reports.reportPdf(scope(params), params.reportId!);
        res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
        res.setHeader('Cache-Control', 'no-store');
        res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf').send(file.body);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: `${base}/knowledge-gaps`,
      summary: 'Questions the AI could not answer, clustered by similar wording, most asked first (F5)',
      tag: 'reports',
      permission: 'reports.read',
      query: KnowledgeGapQuery,
      response: KnowledgeGapList,
      handler: ({ params, query }) => ({ items: gaps.list(scope(params), query) }),
    }),
    route({
      method: 'post',
      path: `${base}/knowledge-gaps/:gapId/knowledge`,
      summary: 'Answer a knowledge gap: the answer becomes a knowledge item and the gap is closed',
      tag: 'reports',
      permission: 'knowledge.write',
      body: AddGapToKnowledge,
      response: AddGapResult,
      status: 201,
      handler: ({ params, body, actor }) => gaps.addToKnowledge(scope(params), params.gapId!, body, actor),
    }),
    route({
      method: 'post',
      path: `${base}/knowledge-gaps/:gapId/dismiss`,
      summary: 'Dismiss a knowledge gap (not worth an answer)',
      tag: 'reports',
      permission: 'knowledge.write',
      response: KnowledgeGap,
      handler: ({ params, actor }) => gaps.dismiss(scope(params), params.gapId!, actor),
    }),
  ];
}
