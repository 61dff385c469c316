import { CHANNEL_LABEL, type ConversationStatus, type ConversationSummary } from '@contract/conversations';
import type { Property } from '@contract/properties';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { hotelOptions, useHotels } from '../../app/hotels';
import { useLiveEvents, useLiveState } from '../../app/live-events';
import { hrefFor, navigate } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { SelectField } from '../../shared/field';
import { formatAge, formatFullInZone } from '../../shared/format';
import { useKeyShortcuts } from '../../shared/keyboard';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useLiveResource } from '../../shared/use-live-resource';
import { ConversationPane } from '../conversations/conversation.pane';
import { useConversationsApi, type InboxPage } from '../conversations/conversations.api';
import { guestLabel, HANDOFF_LABEL, STATUS_LABEL } from '../conversations/labels';
import { AlertSettings } from './alert-settings';
import { takePrefetchedInbox } from './inbox-prefetch';
import { AFTER_HOURS_OPTIONS, CHANNEL_OPTIONS, INBOX_LIMIT, NO_FILTERS, queryFor, readFilters, STATUS_OPTIONS, writeFilters, type InboxFilters } from './inbox-filters';

const GROUP_ORDER: readonly ConversationStatus[] = ['needs_human', 'ai', 'human', 'resolved'];

interface InboxScreenProps {
  propertyId?: string | undefined;
  conversationId?: string | undefined;
}

/**
 * The front desk's home: every conversation in the hotels the user may see, needs-a-person first,
 * updated live; the open conversation beside the list.
 */
export function InboxScreen({ propertyId, conversationId }: InboxScreenProps) {
  const api = useConversationsApi();
  const hotels = useHotels();
  const [filters, setFiltersState] = useState<InboxFilters>(readFilters);
  const query = queryFor(filters);
  const [page, { reload, refresh, set }] = useLiveResource(
    async (signal) => (await takePrefetchedInbox(query)) ?? (await api.inbox(query, signal)),
    [api, JSON.stringify(query)],
  );
  const listRef = useRef<HTMLDivElement>(null);

  // A guest's message and the hand-off that follows arrive a few milliseconds apart: one request for both.
  const soon = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(soon.current), []);
  useLiveEvents((s) => {
    if (s.type !== 'conversation.updated' && s.type !== 'message.created' && s.type !== 'handoff.requested' && s.type !== 'resync') return;
    if (soon.current !== undefined) return;
    soon.current = setTimeout(() => {
      soon.current = undefined;
      refresh();
    }, 40);
  });

  const setFilters = (next: InboxFilters) => {
    writeFilters(next);
    setFiltersState(next);
  };

  const onChanged = useCallback(
    (summary: ConversationSummary) => {
      if (page.status !== 'ready') return;
      set({ ...page.data, items: page.data.items.map((c) => (c.id === summary.id ? { ...summary, unreadCount: 0 } : c)) });
    },
    [page, set],
  );

  const focusRow = (delta: number) => {
    const rows = [...(listRef.current?.querySelectorAll<HTMLAnchorElement>('a.inbox-row') ?? [])];
    if (rows.length === 0) return;
    let index = rows.indexOf(document.activeElement as HTMLAnchorElement);
    if (index < 0) index = rows.findIndex((r) => r.getAttribute('aria-current') === 'true');
    const next = index < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, index + delta));
    rows[next]?.focus();
    rows[next]?.scrollIntoView({ block: 'nearest' });
  };

  useKeyShortcuts({ j: () => focusRow(1), k: () => focusRow(-1) });

  const data = page.status === 'ready' ? page.data : null;
  const hotelCount = hotels.list.status === 'ready' ? hotels.list.data.length : 0;
  return (
    <Screen title="Inbox" subtitle={<InboxSummary data={data} />} actions={<InboxActions />}>
      <form className="inbox-filters" aria-label="Filter conversations" onSubmit={(e) => e.preventDefault()}>
        {hotelCount > 1 ? (
          <SelectField label="Hotel" value={filters.propertyId} options={hotelOptions(hotels.list)} onChange={(propertyId) => setFilters({ ...filters, propertyId })} />
        ) : null}
        <SelectField label="Status" value={filters.status} options={STATUS_OPTIONS} onChange={(status) => setFilters({ ...filters, status })} />
        <SelectField label="Channel" value={filters.channel} options={CHANNEL_OPTIONS} onChange={(channel) => setFilters({ ...filters, channel })} />
        <SelectField label="When" value={filters.afterHours} options={AFTER_HOURS_OPTIONS} onChange={(afterHours) => setFilters({ ...filters, afterHours })} />
        {JSON.stringify(filters) !== JSON.stringify(NO_FILTERS) ? (
          <button type="button" className="button button--quiet inbox-clear" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </button>
        ) : null}
      </form>
      <div className="inbox">
        <div className="inbox-list" ref={listRef} role="region" aria-label="Conversations">
          {page.status === 'loading' ? <InboxSkeleton /> : null}
          {page.status === 'error' ? <LoadProblem error={page.error} what="the inbox" denied="You have not been granted any hotel’s conversations." onRetry={reload} /> : null}
          {data ? (
            <ConversationGroups
              data={data}
              hotels={hotels.byId}
              showHotel={hotelCount > 1}
              openId={conversationId}
              filtered={JSON.stringify(filters) !== JSON.stringify(NO_FILTERS)}
              noHotels={hotels.list.status === 'ready' && hotelCount === 0}
              onClearFilters={() => setFilters(NO_FILTERS)}
            />
          ) : null}
        </div>
        <div className="inbox-detail">
          {propertyId && conversationId ? (
            <ConversationPane
              key={`${propertyId}/${conversationId}`}
              propertyId={propertyId}
              conversationId={conversationId}
              onChanged={onChanged}
              onLeave={() => {
                const current = listRef.current?.querySelector<HTMLAnchorElement>('a.inbox-row[aria-current="true"]');
                (current ?? listRef.current?.querySelector<HTMLAnchorElement>('a.inbox-row'))?.focus();
              }}
            />
          ) : (
            <div className="conversation conversation--placeholder">
              <p className="empty-title">Pick a conversation</p>
              <p className="muted">
                Press <kbd>j</kbd> and <kbd>k</kbd> to move through the list and <kbd>Enter</kbd> to open one. <kbd>?</kbd> lists every shortcut.
              </p>
            </div>
          )}
        </div>
      </div>
    </Screen>
  );
}

function InboxSummary({ data }: { data: InboxPage | null }) {
  const live = useLiveState();
  const liveText = live === 'live' ? 'Live' : live === 'off' ? 'Live updates unavailable' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span className="inbox-summary">
      <span className={`live live--${live}`} role="status">
        {liveText}
      </span>
      {data ? (
        <span>
          {data.needsHuman === 0 ? 'Nobody is waiting for a person.' : `${data.needsHuman} waiting for a person.`} {data.unread > 0 ? `${data.unread} unread.` : ''}
        </span>
      ) : null}
    </span>
  );
}

function InboxActions() {
  return <AlertSettings />;
}

function InboxSkeleton() {
  return (
    <div aria-busy="true">
      <p className="visually-hidden">Loading conversations…</p>
      <ul className="inbox-rows" aria-hidden="true">
        {[0, 1, 2, 3, 4].map((i) => (
          <li key={i} className="inbox-row inbox-row--skeleton" />
        ))}
      </ul>
    </div>
  );
}

interface GroupsProps {
  data: InboxPage;
  hotels: ReadonlyMap<string, Property>;
  showHotel: boolean;
  openId: string | undefined;
  filtered: boolean;
  noHotels: boolean;
  onClearFilters: () => void;
}

function ConversationGroups({ data, hotels, showHotel, openId, filtered, noHotels, onClearFilters }: GroupsProps) {
  const can = useCan();
  if (noHotels) {
    return (
      <div className="empty-state">
        <p className="empty-title">No hotels yet</p>
        {can('properties.create') ? (
          <p className="muted">
            <a href={hrefFor({ screen: 'welcome' })}>Set up your first hotel</a> — it takes a few minutes — or run <code>nocturn demo</code> to try Nocturn with sample data.
          </p>
        ) : (
          <p className="muted">You have not been granted any hotel yet. Ask an administrator.</p>
        )}
      </div>
    );
  }
  if (data.items.length === 0) {
    return filtered ? (
      <div className="empty-state">
        <p className="empty-title">No conversations match these filters</p>
        <button type="button" className="button" onClick={onClearFilters}>
          Clear filters
        </button>
      </div>
    ) : (
      <div className="empty-state">
        <p className="empty-title">No conversations yet</p>
        <p className="muted">Guests’ messages appear here the moment they arrive.</p>
      </div>
    );
  }
  const minute = Math.floor(Date.now() / 60_000);
  const groups = GROUP_ORDER.map((status) => ({ status, items: data.items.filter((c) => c.status === status) })).filter((g) => g.items.length > 0);
  return (
    <>
      {groups.map((g) => (
        <section key={g.status} className="inbox-group" aria-labelledby={`group-${g.status}`}>
          <h2 id={`group-${g.status}`} className={`inbox-group-title inbox-group-title--${g.status}`}>
            {STATUS_LABEL[g.status]} <span className="count">{g.items.length}</span>
          </h2>
          <ul className="inbox-rows">
            {g.items.map((c) => (
              <li key={c.id}>
                <InboxRow conversation={c} hotel={hotels.get(c.propertyId)} showHotel={showHotel} open={c.id === openId} minute={minute} />
              </li>
            ))}
          </ul>
        </section>
      ))}
      {data.items.length >= INBOX_LIMIT ? <p className="muted inbox-more">Showing the first {INBOX_LIMIT}. Use the filters to narrow the list.</p> : null}
    </>
  );
}

interface RowProps {
  conversation: ConversationSummary;
  hotel: Property | undefined;
  showHotel: boolean;
  open: boolean;
  /** The current minute: ages ("3 min ago") change only with it. */
  minute: number;
}

/** Each refresh brings new objects for every row; only rows whose content changed render again. */
function sameRow(a: RowProps, b: RowProps): boolean {
  const x = a.conversation;
  const y = b.conversation;
  return (
    a.open === b.open &&
    a.minute === b.minute &&
    a.showHotel === b.showHotel &&
    a.hotel?.name === b.hotel?.name &&
    a.hotel?.timezone === b.hotel?.timezone &&
    x.id === y.id &&
    x.status === y.status &&
    x.handoffReason === y.handoffReason &&
    x.lastMessageAt === y.lastMessageAt &&
    x.unreadCount === y.unreadCount &&
    x.preview === y.preview &&
    x.afterHours === y.afterHours &&
    x.channel === y.channel &&
    x.guest.name === y.guest.name &&
    x.guest.phone === y.guest.phone &&
    x.guest.email === y.guest.email
  );
}

const InboxRow = memo(function InboxRow({ conversation: c, hotel, showHotel, open, minute }: RowProps) {
  const now = new Date(minute * 60_000 + 59_999);
  const unread = open ? 0 : c.unreadCount;
  const tz = hotel?.timezone;
  return (
    <a
      className={['inbox-row', `inbox-row--${c.status}`, unread > 0 ? 'inbox-row--unread' : ''].filter(Boolean).join(' ')}
      href={hrefFor({ screen: 'inbox', propertyId: c.propertyId, conversationId: c.id })}
      aria-current={open ? 'true' : undefined}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        navigate({ screen: 'inbox', propertyId: c.propertyId, conversationId: c.id });
      }}
    >
      <span className="row-top">
        <span className="row-guest">{guestLabel(c.guest)}</span>
        {c.status !== 'needs_human' ? <span className="visually-hidden">{STATUS_LABEL[c.status]}</span> : null}
        <time className="row-time" dateTime={c.lastMessageAt} title={formatFullInZone(c.lastMessageAt, tz)}>
          {formatAge(c.lastMessageAt, now)}
        </time>
      </span>
      <span className="row-meta">
        {c.status === 'needs_human' ? <span className="status status--needs_human">Needs a person</span> : null}
        <span className="row-facts">
          {[c.status === 'needs_human' && c.handoffReason ? HANDOFF_LABEL[c.handoffReason] : null, CHANNEL_LABEL[c.channel], showHotel && hotel ? hotel.name : null, c.afterHours ? 'After hours' : null]
            .filter(Boolean)
            .join(' · ')}
        </span>
        {unread > 0 ? (
          <span className="unread">
            {unread}
            <span className="visually-hidden"> unread</span>
          </span>
        ) : null}
      </span>
      <span className="row-preview">{c.preview ?? 'No messages'}</span>
    </a>
  );
}, sameRow);
