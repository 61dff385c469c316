import type { User } from '../../contract/auth.js';
import { roleAllows } from '../../contract/permissions.js';
import { ReportMailPreferences, type ReportInfo } from '../../contract/reports.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { ValidationError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { PropertyScope } from '../properties/property.service.js';
import type { ReportService } from '../reports/report.service.js';
import type { ReportMailRepository } from './report-mail.repository.js';
import type { ReportMailSender } from './report-mail.sender.js';

interface ReportMailDeps {
  repo: ReportMailRepository;
  sender: ReportMailSender;
  reports: Pick<ReportService, 'reportPdf' | 'listReports' | 'createReport'>;
  /** Staff accounts: who may receive a hotel's reports. */
  users: { list(): User[]; get(id: string): User };
  clock: Clock;
  log: Logger;
}

const NONE: ReportMailPreferences = { daily: false, weekly: false };
const KIND_NAME = { daily: 'Daily', weekly: 'Weekly', custom: 'Requested' } as const;

/**
 * E-mails the scheduled daily and weekly reports to the managers who opted in, through the
 * hotel's configured email channel: the PDF (figures only, never guest contacts) and the headline
 * numbers in the text. A test send mails the latest report to the person asking.
 */
export class ReportMailService {
  constructor(private readonly deps: ReportMailDeps) {}

  preferences(userId: string): ReportMailPreferences {
    return ReportMailPreferences.safeParse(this.deps.repo.get(userId)).data ?? NONE;
  }

  setPreferences(userId: string, prefs: ReportMailPreferences): ReportMailPreferences {
    this.deps.repo.save(userId, prefs, this.deps.clock.now().toISOString());
    return prefs;
  }

  /** Staff who chose this kind of report and may read this hotel's reports (active, role, grant). */
  recipients(propertyId: string, kind: 'daily' | 'weekly'): User[] {
    const chosen = new Set(this.deps.repo.all().filter((r) => ReportMailPreferences.safeParse(r.value).data?.[kind]).map((r) => r.userId));
    return this.deps.users.list().filter((u) => chosen.has(u.id) && u.active && roleAllows(u.role, 'reports.read') && (u.allProperties || u.propertyIds.includes(propertyId)));
  }

  /** After the scheduler stored a daily or weekly report: one e-mail per opted-in manager. Failures are logged, not thrown. */
  async deliver(scope: PropertyScope, report: ReportInfo): Promise<{ sent: number; failed: number }> {
    if (report.kind === 'custom') return { sent: 0, failed: 0 };
    const to = this.recipients(scope.property.id, report.kind);
    if (to.length === 0) return { sent: 0, failed: 0 };
    if (!this.deps.sender.canSend(scope.property.id)) {
      this.deps.log.warn({ propertyId: scope.property.id, reportId: report.id, recipients: to.length }, 'report e-mail not sent: the hotel has no email channel set up');
      return { sent: 0, failed: to.length };
    }
    let sent = 0;
    for (const user of to) {
      try {
        await this.mail(scope, report, user.email);
        sent++;
      } catch (err) {
        this.deps.log.warn({ propertyId: scope.property.id, reportId: report.id, userId: user.id, reason: (err as Error).message }, 'report e-mail not sent');
      }
    }
    this.deps.log.info({ propertyId: scope.property.id, reportId: report.id, kind: report.kind, sent }, 'report e-mailed to managers');
    return { sent, failed: to.length - sent };
  }

  /** Mails the hotel's latest report (yesterday's, made now, if there is none yet) to the person asking. */
  async testSend(scope: PropertyScope, actor: Actor): Promise<{ reportId: string; sentTo: string }> {
    if (!actor.userId) throw new ValidationError('A test report goes to a staff member’s own address');
    const user = this.deps.users.get(actor.userId);
    const latest = this.deps.reports.listReports(scope, { limit: 1 }).items[0];
    const yesterday = new Date(this.deps.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
    const report = latest ?? this.deps.reports.createReport(scope, 'custom', { from: yesterday, to: yesterday }, actor);
    await this.mail(scope, report, user.email, true);
    return { reportId: report.id, sentTo: user.email };
  }

  private async mail(scope: PropertyScope, report: ReportInfo, to: string, test = false): Promise<void> {
    const pdf = await this.deps.reports.reportPdf(scope, report.id);
    const h = report.headline;
    const period = report.period.from === report.period.to ? report.period.from : `${report.period.from} to ${report.period.to}`;
    const money = (n: number) => `${h.currency} ${n.toFixed(2)}`;
    const text = [
      `${KIND_NAME[report.kind]} report for ${scope.property.name}, ${period}.`,
      '',
      `Inquiries: ${h.inquiries}`,
      `After hours: ${h.afterHoursShare === null ? '–' : `${Math.round(h.afterHoursShare * 100)}%`}`,
      `Leads: ${h.leads}, converted: ${h.conversions}`,
      `Booking value: ${money(h.bookingValue)}; recovered after hours: ${money(h.revenueRecovered)}`,
      '',
      'The PDF attached has the figures in full. It holds no guest contact details.',
      test ? 'This is a test send from the Reports screen.' : 'You receive this because you chose report e-mails under Reports in Nocturn; change that there.',
    ].join('\n');
    await this.deps.sender.send(scope.property.id, scope.property.name, {
      to,
      subject: `${test ? '[Test] ' : ''}${KIND_NAME[report.kind]} report: ${scope.property.name}, ${period}`,
      text,
      attachment: { filename: pdf.filename, content: pdf.body },
    });
  }
}
