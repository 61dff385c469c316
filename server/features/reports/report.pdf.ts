import PDFDocument from 'pdfkit';
import { CHANNEL_LABEL, INTENT_LABEL } from '../../contract/conversations.js';
import type { ReportKind, ReportSnapshot } from '../../contract/reports.js';
import {
  formatChange,
  formatCount,
  formatDay,
  formatMoney,
  formatPeriod,
  formatSeconds,
  formatShare,
  formatUsd,
  REASON_LABELS,
} from './report-format.js';

const PAGE = { width: 595.28, height: 841.89, margin: 48 };
const INK = '#1b2430';
const MUTED = '#4b5768';
const ACCENT = '#1f4f8f';
const NIGHT = '#b25c00';
const GRID = '#d5dae1';

/** The built-in PDF fonts cover Latin-1 only: anything else becomes "?" rather than garbage. */
function latin1(text: string): string {
  return text.replace(/[\u2013\u2014]/g, '-').replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

interface PdfReport {
  kind: ReportKind;
  createdAt: string;
  snapshot: ReportSnapshot;
}

/** One line of the hero block: "Inquiries: 57 (+12% vs previous period)". */
function heroLines(summary: ReportSnapshot['summary']): { label: string; value: string; change: string }[] {
  const c = summary.current;
  const ch = summary.change;
  return [
    { label: 'Inquiries', value: formatCount(c.inquiries), change: formatChange(ch.inquiries, 'relative') },
    { label: 'After-hours share', value: `${formatShare(c.afterHoursShare)} (${formatCount(c.afterHours)})`, change: formatChange(ch.afterHoursShare, 'points') },
    { label: 'AI-resolved share', value: `${formatShare(c.aiResolvedShare)} (${formatCount(c.aiResolved)})`, change: formatChange(ch.aiResolvedShare, 'points') },
    { label: 'Hand-offs', value: formatCount(c.handoffs), change: formatChange(ch.handoffs, 'relative') },
    { label: 'Leads', value: formatCount(c.leads), change: formatChange(ch.leads, 'relative') },
    { label: 'Conversions', value: formatCount(c.conversions), change: formatChange(ch.conversions, 'relative') },
    { label: 'Booking value', value: formatMoney(c.bookingValue, summary.currency), change: formatChange(ch.bookingValue, 'relative') },
    { label: 'Revenue recovered after hours', value: formatMoney(c.revenueRecovered, summary.currency), change: formatChange(ch.revenueRecovered, 'relative') },
    { label: 'AI first reply (median / p90)', value: `${formatSeconds(c.firstResponse.ai.medianSeconds)} / ${formatSeconds(c.firstResponse.ai.p90Seconds)}`, change: formatChange(ch.aiMedianFirstResponse, 'relative') },
    {
      label: 'Staff first reply (median / p90)',
      value: `${formatSeconds(c.firstResponse.staff.medianSeconds)} / ${formatSeconds(c.firstResponse.staff.p90Seconds)}`,
      change: formatChange(ch.staffMedianFirstResponse, 'relative'),
    },
    { label: 'Cloud model cost', value: formatUsd(c.cloudCostUsd), change: formatChange(ch.cloudCostUsd, 'relative') },
    { label: 'Feedback helpful / not', value: `${formatCount(c.feedback.helpful)} / ${formatCount(c.feedback.notHelpful)}`, change: '' },
  ];
}

/** An axis top that is four round steps (1, 2 or 5 times a power of ten), at least 4. */
function niceMax(v: number): number {
  const raw = Math.max(v, 1) / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return Math.max(4, m * pow * 4);
  return 40 * pow;
}

interface Series {
  label: string;
  color: string;
  values: number[];
}

/** Bars (stacked when there are several series) or a line, drawn with the PDF's vector operators. */
function chart(doc: PDFKit.PDFDocument, opts: { title: string; x: number; y: number; width: number; height: number; labels: string[]; series: Series[]; type: 'bar' | 'line'; format?: (v: number) => string }): void {
  const { x, y, width, height, labels, series } = opts;
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(latin1(opts.title), x, y);
  const top = y + 18;
  const left = x + 44;
  const plotW = width - 44;
  const plotH = height - 44;
  const totals = labels.map((_, i) => (opts.type === 'bar' ? series.reduce((s, v) => s + (v.values[i] ?? 0), 0) : Math.max(...series.map((v) => v.values[i] ?? 0))));
  const max = niceMax(Math.max(0, ...totals));
  const fmt = opts.format ?? ((v: number) => formatCount(v));
  doc.font('Helvetica').fontSize(7).fillColor(MUTED);
  for (let k = 0; k <= 4; k++) {
    const gy = top + plotH - (plotH * k) / 4;
    doc.moveTo(left, gy).lineTo(left + plotW, gy).lineWidth(0.5).strokeColor(GRID).stroke();
    doc.fillColor(MUTED).text(fmt((max * k) / 4), x, gy - 3, { width: 40, align: 'right', lineBreak: false });
  }
  const n = Math.max(labels.length, 1);
  const slot = plotW / n;
  if (opts.type === 'bar') {
    const barW = Math.max(1, slot * 0.7);
    labels.forEach((_, i) => {
      let base = top + plotH;
      for (const s of series) {
        const h = ((s.values[i] ?? 0) / max) * plotH;
        if (h > 0) doc.rect(left + i * slot + (slot - barW) / 2, base - h, barW, h).fill(s.color);
        base -= h;
      }
    });
  } else {
    for (const s of series) {
      s.values.forEach((v, i) => {
        const px = left + i * slot + slot / 2;
        const py = top + plotH - (v / max) * plotH;
        if (i === 0) doc.moveTo(px, py);
        else doc.lineTo(px, py);
      });
      doc.lineWidth(1.5).strokeColor(s.color).stroke();
    }
  }
  // Axis labels: at most about 12, evenly spaced.
  const every = Math.max(1, Math.ceil(n / 12));
  doc.font('Helvetica').fontSize(7).fillColor(MUTED);
  labels.forEach((label, i) => {
    if (i % every !== 0) return;
    doc.text(latin1(label), left + i * slot - 10, top + plotH + 4, { width: slot * every + 20, align: 'left', lineBreak: false });
  });
  // Legend.
  let lx = left;
  for (const s of series) {
    doc.rect(lx, top + plotH + 16, 8, 8).fill(s.color);
    doc.fillColor(INK).fontSize(8).text(latin1(s.label), lx + 12, top + plotH + 16, { lineBreak: false });
    lx += 24 + doc.widthOfString(latin1(s.label));
  }
}

function table(doc: PDFKit.PDFDocument, title: string, head: string[], rows: string[][], widths: number[]): void {
  const x = PAGE.margin;
  if (doc.y > PAGE.height - PAGE.margin - 40 - rows.length * 14) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(latin1(title), x, doc.y + 8);
  let y = doc.y + 4;
  const line = (cells: string[], bold: boolean) => {
    let cx = x;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5).fillColor(bold ? MUTED : INK);
    cells.forEach((c, i) => {
      doc.text(latin1(c), cx, y, { width: widths[i]! - 6, align: i === 0 ? 'left' : 'right', lineBreak: false });
      cx += widths[i]!;
    });
    y += 14;
    doc.moveTo(x, y - 3).lineTo(x + widths.reduce((a, b) => a + b, 0), y - 3).lineWidth(0.3).strokeColor(GRID).stroke();
  };
  line(head, true);
  if (rows.length === 0) line(['None in this period', ...head.slice(1).map(() => '')], false);
  for (const r of rows) line(r, false);
  doc.x = x;
  doc.y = y + 4;
}

function kindTitle(kind: ReportKind): string {
  return kind === 'daily' ? 'Daily report' : kind === 'weekly' ? 'Weekly report' : 'Report';
}

/** Renders a stored report as a PDF: hero numbers in text, charts as vector drawings, breakdown tables. */
export function renderReportPdf(report: PdfReport): Promise<Buffer> {
  const { summary, analytics } = report.snapshot;
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, info: { Title: latin1(`${kindTitle(report.kind)}: ${summary.name}`), Author: 'Nocturn', Subject: formatPeriod(summary.period) } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const contentW = PAGE.width - 2 * PAGE.margin;

  doc.font('Helvetica-Bold').fontSize(18).fillColor(INK).text(latin1(`${kindTitle(report.kind)}: ${summary.name}`));
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(MUTED)
    .text(latin1(`${formatPeriod(summary.period)} (${summary.timezone}), compared with ${formatPeriod(summary.previousPeriod)}. Money in ${summary.currency}.`));
  doc.moveDown(0.8);

  doc.font('Helvetica-Bold').fontSize(12).fillColor(INK).text('Hero numbers');
  doc.moveDown(0.3);
  const heroTop = doc.y;
  const colW = contentW / 2;
  const ROW = 27;
  heroLines(summary).forEach((h, i) => {
    const cx = PAGE.margin + (i % 2) * colW;
    const cy = heroTop + Math.floor(i / 2) * ROW;
    const line = latin1(`${h.label}: ${h.value}`);
    const fit = Math.min(10, (10 * (colW - 8)) / doc.font('Helvetica-Bold').fontSize(10).widthOfString(line));
    doc.fontSize(fit).fillColor(INK).text(line, cx, cy, { width: colW - 8, lineBreak: false });
    doc.font('Helvetica').fontSize(8).fillColor(MUTED).text(latin1(h.change ? `${h.change} vs previous period` : 'no earlier figures to compare'), cx, cy + 12, { width: colW - 8, lineBreak: false });
  });
  doc.x = PAGE.margin;
  doc.y = heroTop + Math.ceil(heroLines(summary).length / 2) * ROW + 8;

  const days = analytics.days;
  const dayLabels = days.map((d) => formatDay(d.day).replace(/ \d{4}$/, ''));
  const chartH = 150;
  let y = doc.y;
  chart(doc, {
    title: 'Inquiries per day',
    x: PAGE.margin,
    y,
    width: contentW,
    height: chartH,
    labels: dayLabels,
    type: 'bar',
    series: [
      { label: 'Desk open', color: ACCENT, values: days.map((d) => d.inquiries - d.afterHours) },
      { label: 'After hours', color: NIGHT, values: days.map((d) => d.afterHours) },
    ],
  });
  y += chartH + 16;
  chart(doc, {
    title: 'Inquiries by hour of day (hotel time)',
    x: PAGE.margin,
    y,
    width: contentW / 2 - 8,
    height: chartH,
    labels: analytics.byHour.map((h) => String(h.hour).padStart(2, '0')),
    type: 'bar',
    series: [
      { label: 'Desk open', color: ACCENT, values: analytics.byHour.map((h) => h.inquiries - h.afterHours) },
      { label: 'After hours', color: NIGHT, values: analytics.byHour.map((h) => h.afterHours) },
    ],
  });
  chart(doc, {
    title: `Booking value per day (${summary.currency})`,
    x: PAGE.margin + contentW / 2 + 8,
    y,
    width: contentW / 2 - 8,
    height: chartH,
    labels: dayLabels,
    type: 'line',
    format: (v) => formatCount(v),
    series: [
      { label: 'Converted', color: ACCENT, values: days.map((d) => d.bookingValue) },
      { label: 'Of it after hours', color: NIGHT, values: days.map((d) => d.revenueRecovered) },
    ],
  });
  doc.x = PAGE.margin;
  doc.y = y + chartH + 16;

  table(
    doc,
    'By channel',
    ['Channel', 'Inquiries', 'After hours', 'AI-resolved', 'Hand-offs', 'Leads', 'Conversions', 'Booking value'],
    analytics.byChannel.map((c) => [
      CHANNEL_LABEL[c.channel] ?? c.channel,
      formatCount(c.inquiries),
      formatCount(c.afterHours),
      formatCount(c.aiResolved),
      formatCount(c.handoffs),
      formatCount(c.leads),
      formatCount(c.conversions),
      formatMoney(c.bookingValue, summary.currency),
    ]),
    [90, 55, 60, 60, 55, 45, 60, 74],
  );
  table(
    doc,
    'Leads by intent',
    ['Intent', 'Leads', 'After hours', 'Conversions', 'Booking value', 'Of it after hours'],
    analytics.byIntent.map((r) => [
      INTENT_LABEL[r.intent] ?? r.intent,
      formatCount(r.leads),
      formatCount(r.afterHoursLeads),
      formatCount(r.conversions),
      formatMoney(r.bookingValue, summary.currency),
      formatMoney(r.revenueRecovered, summary.currency),
    ]),
    [110, 60, 70, 70, 95, 94],
  );
  table(
    doc,
    'Hand-offs by reason',
    ['Reason', 'Conversations'],
    summary.current.handoffReasons.map((r) => [REASON_LABELS[r.reason] ?? r.reason, formatCount(r.count)]),
    [200, 80],
  );
  doc
    .font('Helvetica')
    .fontSize(7.5)
    .fillColor(MUTED)
    .text(latin1(`Figures only: this report holds no guest names, contact details or messages. Made by Nocturn at ${report.createdAt}.`), PAGE.margin, doc.y + 12, { width: contentW });
  doc.end();
  return done;
}

