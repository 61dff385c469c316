import { Channel, CHANNEL_LABEL, ConversationStatus } from '@contract/conversations';
import { z } from 'zod';
import type { InboxQuery } from '../conversations/conversations.api';

export const StatusFilter = z.enum(['all', 'open', ...ConversationStatus.options]);
export type StatusFilter = z.infer<typeof StatusFilter>;

export const InboxFilters = z.object({
  propertyId: z.string(),
  channel: z.union([Channel, z.literal('')]),
  status: StatusFilter,
  afterHours: z.enum(['', 'true', 'false']),
});
export type InboxFilters = z.infer<typeof InboxFilters>;

export const NO_FILTERS: InboxFilters = { propertyId: '', channel: '', status: 'all', afterHours: '' };

export const STATUS_OPTIONS: readonly { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'Everything' },
  { value: 'open', label: 'Open (not resolved)' },
  { value: 'needs_human', label: 'Needs a person' },
  { value: 'ai', label: 'AI is handling' },
  { value: 'human', label: 'With staff' },
  { value: 'resolved', label: 'Resolved' },
];

export const CHANNEL_OPTIONS: readonly { value: InboxFilters['channel']; label: string }[] = [
  { value: '', label: 'All channels' },
  ...Channel.options.map((value) => ({ value, label: CHANNEL_LABEL[value] })),
];

export const AFTER_HOURS_OPTIONS: readonly { value: InboxFilters['afterHours']; label: string }[] = [
  { value: '', label: 'Any time' },
  { value: 'true', label: 'After hours only' },
  { value: 'false', label: 'During desk hours' },
];

/** How many conversations the inbox shows at once; the server sorts, needs-a-person first. */
export const INBOX_LIMIT = 100;

export function queryFor(f: InboxFilters): InboxQuery {
  const status: ConversationStatus[] | undefined = f.status === 'all' ? undefined : f.status === 'open' ? ['needs_human', 'ai', 'human'] : [f.status];
  return {
    status,
    channel: f.channel || undefined,
    afterHours: f.afterHours === '' ? undefined : f.afterHours === 'true',
    propertyId: f.propertyId || undefined,
    limit: INBOX_LIMIT,
  };
}

export function inboxQueryString(q: InboxQuery): string {
  const params = new URLSearchParams({ limit: String(q.limit) });
  if (q.status?.length) params.set('status', q.status.join(','));
  if (q.channel) params.set('channel', q.channel);
  if (q.afterHours !== undefined) params.set('afterHours', String(q.afterHours));
  if (q.propertyId) params.set('propertyId', q.propertyId);
  return params.toString();
}

const KEY = 'nocturn.inboxFilters';

/** Filters last the browser session, so coming back to the inbox keeps them. */
export function readFilters(): InboxFilters {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    const parsed = raw ? InboxFilters.safeParse(JSON.parse(raw)) : null;
    return parsed?.success ? parsed.data : NO_FILTERS;
  } catch {
    return NO_FILTERS;
  }
}

export function writeFilters(f: InboxFilters): void {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(f));
  } catch {
    // Private mode: filters last until the page reloads.
  }
}
