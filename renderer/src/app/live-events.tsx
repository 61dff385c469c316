import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { z } from 'zod';

/** What the server's `/api/v1/events` stream says (ids only, never guest text). */
export const LiveEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conversation.updated'), propertyId: z.string(), conversationId: z.string(), status: z.string(), at: z.string() }),
  z.object({ type: z.literal('message.created'), propertyId: z.string(), conversationId: z.string(), messageId: z.string(), role: z.string(), at: z.string() }),
  z.object({ type: z.literal('message.delivery'), propertyId: z.string(), conversationId: z.string(), messageId: z.string(), status: z.string(), at: z.string() }),
  z.object({ type: z.literal('handoff.requested'), propertyId: z.string(), conversationId: z.string(), reason: z.string(), at: z.string() }),
  z.object({ type: z.literal('lead.updated'), propertyId: z.string(), leadId: z.string(), conversationId: z.string(), status: z.string(), at: z.string() }),
  z.object({ type: z.literal('llm.budget'), propertyId: z.string(), level: z.enum(['warning', 'exhausted']), spentUsd: z.number(), limitUsd: z.number(), at: z.string() }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;

/**
 * `resync`: what was missed cannot be replayed (the server said `reset`, or the stream had to be
 * opened afresh), so screens load their data again.
 */
export type LiveSignal = LiveEvent | { type: 'resync' };

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

interface LiveEvents {
  state: LiveState;
  subscribe(listener: (signal: LiveSignal) => void): () => void;
}

const LiveEventsContext = createContext<LiveEvents | null>(null);

const EVENT_TYPES = LiveEvent.options.map((o) => o.shape.type.value);
const MAX_BACKOFF_MS = 30_000;

/**
 * One EventSource for the whole app. The browser reconnects by itself (sending Last-Event-ID, so
 * the server replays what was missed); when the stream is refused or closed for good, it is
 * reopened here with backoff, carrying the last id it saw.
 */
export function LiveEventsProvider({ url = '/api/v1/events', enabled = true, children }: { url?: string; enabled?: boolean; children: ReactNode }) {
  const [state, setState] = useState<LiveState>(enabled ? 'connecting' : 'off');
  const listeners = useRef(new Set<(signal: LiveSignal) => void>());

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') {
      setState('off');
      return;
    }
    let source: EventSource | null = null;
    let lastId = '';
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let hadError = false;
    const emit = (signal: LiveSignal) => {
      for (const l of [...listeners.current]) l(signal);
    };

    const open = () => {
      if (stopped) return;
      const reopened = attempt > 0;
      source = new EventSource(lastId ? `${url}?lastEventId=${encodeURIComponent(lastId)}` : url);
      source.onopen = () => {
        attempt = 0;
        setState('live');
        // A stream opened afresh after a failure may have missed events the server no longer keeps.
        if (reopened || hadError) emit({ type: 'resync' });
        hadError = false;
      };
      source.onerror = () => {
        hadError = true;
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          attempt++;
          setState('reconnecting');
          const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempt - 1, 5)) * (0.75 + Math.random() * 0.5);
          timer = setTimeout(open, delay);
        } else {
          setState('reconnecting');
        }
      };
      const remember = (e: MessageEvent) => {
        if (e.lastEventId) lastId = e.lastEventId;
      };
      source.addEventListener('hello', remember);
      source.addEventListener('reset', (e) => {
        remember(e);
        emit({ type: 'resync' });
      });
      // The session ended (signed out elsewhere, idle, revoked): screens reload, meet the 401 and
      // ask the user to sign in again; the stream reconnects once they have.
      source.addEventListener('session-ended', () => emit({ type: 'resync' }));
      for (const type of EVENT_TYPES) {
        source.addEventListener(type, (e) => {
          remember(e);
          let data: unknown;
          try {
            data = JSON.parse(e.data as string);
          } catch {
            return;
          }
          const parsed = LiveEvent.safeParse(data);
          if (parsed.success) emit(parsed.data);
        });
      }
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [url, enabled]);

  const subscribe = useCallback((listener: (signal: LiveSignal) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<LiveEvents>(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveEventsContext value={value}>{children}</LiveEventsContext>;
}

function useLive(): LiveEvents {
  const live = use(LiveEventsContext);
  if (!live) throw new Error('live events need a <LiveEventsProvider> above');
  return live;
}

export function useLiveState(): LiveState {
  return useLive().state;
}

/** Calls `listener` for every live event (and `resync`); the latest listener is always used. */
export function useLiveEvents(listener: (signal: LiveSignal) => void): void {
  const { subscribe } = useLive();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe((s) => ref.current(s)), [subscribe]);
}
