import { ReportMailPreferences, ReportMailTest } from '../../contract/reports.js';
import { route, type RouteDef } from '../../http/route.js';
import { ValidationError } from '../../shared/errors.js';
import type { PropertyService } from '../properties/property.service.js';
import type { ReportMailService } from './report-mail.service.js';

export function reportMailRoutes(mail: ReportMailService, properties: PropertyService): RouteDef[] {
  const own = (userId: string | null) => {
    if (!userId) throw new ValidationError('Report e-mails are chosen by a staff member for themselves');
    return userId;
  };
  return [
    route({
      method: 'get',
      path: '/api/v1/account/report-mail',
      summary: 'Which scheduled reports (daily, weekly) the signed-in manager receives by e-mail',
      tag: 'reports',
      permission: 'reports.read',
      response: ReportMailPreferences,
      handler: ({ actor }) => mail.preferences(own(actor.userId)),
    }),
    route({
      method: 'put',
      path: '/api/v1/account/report-mail',
      summary: 'Choose the scheduled reports to receive by e-mail (PDF attached, figures only)',
      tag: 'reports',
      permission: 'reports.read',
      body: ReportMailPreferences,
      response: ReportMailPreferences,
      handler: ({ actor, body }) => mail.setPreferences(own(actor.userId), body as ReportMailPreferences),
    }),
    route({
      method: 'post',
      path: '/api/v1/properties/:id/reports/test-mail',
      summary: "E-mail the hotel's latest report to the signed-in manager now, through the hotel's email channel",
      tag: 'reports',
      permission: 'reports.read',
      response: ReportMailTest,
      handler: ({ params, actor }) => mail.testSend(properties.scope(params.id!), actor),
    }),
  ];
}
