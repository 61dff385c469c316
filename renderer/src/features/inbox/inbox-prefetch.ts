import { InboxPage, type InboxQuery } from '../conversations/conversations.api';
import { inboxQueryString, queryFor, readFilters } from './inbox-filters';

/**
 * The desk opens on the inbox, so its first page is asked for while the bundle is still starting
 * (in parallel with the session check) instead of after it. Used once, if still fresh and for the
 * same filters; anything unexpected (signed out, an error) falls back to the normal request.
 */
let pending: { key: string; at: number; page: Promise<InboxPage | null> } | undefined;

function start(): void {
  if (typeof window === 'undefined' || typeof fetch === 'undefined') return;
  const hash = window.location.hash;
  if (hash !== '' && hash !== '#' && hash !== '#/' && !hash.startsWith('#/inbox')) return;
  const key = inboxQueryString(queryFor(readFilters()));
  const page = fetch(`/api/v1/inbox?${key}`, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(10_000) })
    .then(async (res) => {
      if (!res.ok) return null;
      const parsed = InboxPage.safeParse(await res.json());
      return parsed.success ? parsed.data : null;
    })
    .catch(() => null);
  pending = { key, at: Date.now(), page };
}

/** The prefetched page for exactly this query, once; undefined when there is none to use. */
export function takePrefetchedInbox(q: InboxQuery): Promise<InboxPage | null> | undefined {
  const p = pending;
  pending = undefined;
  if (!p || p.key !== inboxQueryString(q) || Date.now() - p.at > 10_000) return undefined;
  return p.page;
}

start();
