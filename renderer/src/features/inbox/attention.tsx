import { createContext, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { markBackground } from '../../api/client';
import { useHotels } from '../../app/hotels';
import { useLiveEvents } from '../../app/live-events';
import { navigate } from '../../app/router';
import { useLiveResource } from '../../shared/use-live-resource';
import { useConversationsApi } from '../conversations/conversations.api';
import { HANDOFF_LABEL } from '../conversations/labels';
import { notifyDesktop, playChime, readAlertPrefs, writeAlertPrefs, type AlertPrefs } from './notifier';

interface Attention {
  /** Conversations waiting for a person across the visible hotels (null until known). */
  needsHuman: number | null;
  prefs: AlertPrefs;
  setPrefs(prefs: AlertPrefs): void;
}

const AttentionContext = createContext<Attention | null>(null);
const COUNT_LIMIT = 200;

/**
 * Watches for guests who need a person: keeps the count for the navigation badge and raises a
 * desktop notification (and the chime, if chosen) when the pipeline hands a conversation off.
 */
export function AttentionProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const api = useConversationsApi();
  const { byId } = useHotels();
  const [prefs, setPrefsState] = useState<AlertPrefs>(readAlertPrefs);
  const recent = useRef(new Map<string, number>());
  // The badge can wait a moment: the screen's own data goes first on a busy appliance.
  const [started, setStarted] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setStarted(true), 1500);
    return () => clearTimeout(t);
  }, []);
  const [waiting, { refresh }] = useLiveResource(
    (signal) => {
      if (!enabled || !started) return Promise.resolve(null);
      // The badge loads by itself (its first load too, after the delay): never the user's activity.
      markBackground(signal);
      return api.inbox({ status: ['needs_human'], limit: COUNT_LIMIT }, signal);
    },
    [api, enabled, started],
  );

  useLiveEvents((signal) => {
    if (!enabled) return;
    if (started && (signal.type === 'conversation.updated' || signal.type === 'handoff.requested' || signal.type === 'resync')) refresh();
    if (signal.type !== 'handoff.requested') return;
    // One alert per conversation per minute, however many messages the guest sends.
    const now = Date.now();
    const last = recent.current.get(signal.conversationId);
    if (last !== undefined && now - last < 60_000) return;
    recent.current.set(signal.conversationId, now);
    const current = readAlertPrefs();
    const hotel = byId.get(signal.propertyId)?.name ?? 'one of your hotels';
    const reason = HANDOFF_LABEL[signal.reason as keyof typeof HANDOFF_LABEL] ?? 'Hand-off';
    if (current.desktop) {
      notifyDesktop('A guest needs a person', `${hotel}: ${reason}. Open Nocturn to reply.`, () =>
        navigate({ screen: 'inbox', propertyId: signal.propertyId, conversationId: signal.conversationId }),
      );
    }
    if (current.sound) playChime();
  });

  const setPrefs = useCallback((next: AlertPrefs) => {
    writeAlertPrefs(next);
    setPrefsState(next);
  }, []);

  const needsHuman = waiting.status === 'ready' && waiting.data ? waiting.data.items.length : null;
  const value = useMemo(() => ({ needsHuman, prefs, setPrefs }), [needsHuman, prefs, setPrefs]);
  return <AttentionContext value={value}>{children}</AttentionContext>;
}

export function useAttention(): Attention {
  const attention = use(AttentionContext);
  if (!attention) throw new Error('useAttention() needs an <AttentionProvider> above it');
  return attention;
}
