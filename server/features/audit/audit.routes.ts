import { z } from 'zod';
import { AuditPage, AuditVerification } from '../../contract/auth.js';
import { route, type RouteDef } from '../../http/route.js';
import type { AuditService } from './audit.service.js';

export function auditRoutes(audit: AuditService, pageLimitMax: number): RouteDef[] {
  const Query = z.object({
    action: z.string().max(64).optional(),
    actorId: z.string().max(64).optional(),
    propertyId: z.string().max(64).optional(),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50),
  });
  return [
    route({
      method: 'get',
      path: '/api/v1/audit',
      summary: 'Audit log, newest first (managers see their hotels; admins everything)',
      tag: 'audit',
      permission: 'audit.read',
      query: Query,
      response: AuditPage,
      handler: ({ query, actor }) => {
        const q = query as z.infer<typeof Query>;
        return audit.page({ ...q, propertyIds: actor.propertyIds, includeGroupWide: actor.role === 'admin' });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/audit/verify',
      summary: 'Verify the audit hash chain; reports the first broken row',
      tag: 'audit',
      permission: 'audit.verify',
      response: AuditVerification,
      handler: () => audit.verify(),
    }),
  ];
}
