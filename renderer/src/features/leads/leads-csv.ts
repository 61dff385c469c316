import { CHANNEL_LABEL, INTENT_LABEL, type Lead } from '@contract/conversations';
import type { Property } from '@contract/properties';
import { LEAD_STATUS_LABEL } from './lead-labels';

/** "2026-12-08 02:15" on the hotel's clock (a spreadsheet sorts it; the hotel's zone is in its own column). */
export function hotelLocalTime(iso: string, timeZone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timeZone ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/**
 * The leads on screen as CSV, without guest contact details (name, phone, email, notes): a file
 * that leaves the app may be mailed around. Cells that a spreadsheet would run as a formula are
 * prefixed with an apostrophe.
 */
export function leadsCsv(leads: readonly Lead[], hotels: ReadonlyMap<string, Property>): string {
  const header = ['Received (hotel time)', 'Time zone', 'Hotel', 'Lead or inquiry', 'Intent', 'Status', 'Channel', 'After hours', 'Check-in', 'Check-out', 'Guests', 'Room type', 'Booking value', 'Currency', 'Lost reason', 'Converted (hotel time)', 'Lead id'];
  const rows = leads.map((l) => {
    const hotel = hotels.get(l.propertyId);
    const zone = hotel?.timezone ?? 'UTC';
    return [
      hotelLocalTime(l.createdAt, zone),
      zone,
      hotel?.name ?? l.propertyId,
      l.isLead ? 'Lead' : 'Inquiry',
      INTENT_LABEL[l.intent],
      LEAD_STATUS_LABEL[l.status],
      CHANNEL_LABEL[l.sourceChannel],
      l.afterHours ? 'yes' : 'no',
      l.details.checkIn ?? '',
      l.details.checkOut ?? '',
      l.details.guests === null ? '' : String(l.details.guests),
      l.details.roomType ?? '',
      l.bookingValue === null ? '' : l.bookingValue.toFixed(2),
      l.bookingValue === null ? '' : (hotel?.currency ?? ''),
      l.lostReason ?? '',
      l.convertedAt ? hotelLocalTime(l.convertedAt, zone) : '',
      l.id,
    ];
  });
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Saves text as a file through a temporary link (no server round trip). */
export function download(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
