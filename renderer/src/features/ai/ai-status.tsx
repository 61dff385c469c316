import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { usePropertiesApi, type PropertiesApi } from '../properties/properties.api';
import { useAiApi, type AiApi, type AiScope } from './ai.api';

/** One place where the AI is paused right now. */
export interface PausedScope {
  scope: AiScope;
  /** "all hotels" or the hotel's name. */
  name: string;
  reason: string | null;
  changedAt: string | null;
}

interface AiStatus {
  paused: readonly PausedScope[];
  /** Bumped after every pause or resume made in this page, so every control showing a state reloads it. */
  version: number;
  /** Call after pausing or resuming. */
  changed(): void;
}

const AiStatusContext = createContext<AiStatus | null>(null);

export function useAiStatus(): AiStatus {
  const status = use(AiStatusContext);
  if (!status) throw new Error('useAiStatus() needs an <AiStatusProvider> above it');
  return status;
}

/** Every pause the signed-in user can see: the group's, or else each visible hotel's own. */
async function loadPaused(ai: AiApi, properties: PropertiesApi, signal: AbortSignal): Promise<PausedScope[]> {
  const group = await ai.state({ kind: 'group' }, signal);
  // A group pause covers every hotel, so the hotels' own switches do not matter while it lasts.
  if (group.paused) return [{ scope: { kind: 'group' }, name: 'all hotels', reason: group.reason, changedAt: group.changedAt }];
  const hotels = await properties.list(signal);
  const states = await Promise.all(hotels.map(async (h) => ({ hotel: h, state: await ai.state({ kind: 'property', id: h.id }, signal) })));
  return states
    .filter((s) => s.state.paused)
    .map((s) => ({ scope: { kind: 'property', id: s.hotel.id }, name: s.hotel.name, reason: s.state.reason, changedAt: s.state.changedAt }));
}

/**
 * Keeps the kill-switch state for the banner. It is read again on navigation, when the tab comes
 * back into view and after a change here; not on a timer, so an idle page lets the session expire.
 */
export function AiStatusProvider({ children }: { children: ReactNode }) {
  const ai = useAiApi();
  const properties = usePropertiesApi();
  const [paused, setPaused] = useState<readonly PausedScope[]>([]);
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    loadPaused(ai, properties, controller.signal).then(
      (next) => {
        if (!controller.signal.aborted) setPaused(next);
      },
      () => {
        // Keep the last known state; the screens report their own load errors.
      },
    );
    return () => controller.abort();
  }, [ai, properties, tick, version]);

  useEffect(() => {
    const reload = () => setTick((n) => n + 1);
    const onVisible = () => {
      if (document.visibilityState === 'visible') reload();
    };
    window.addEventListener('hashchange', reload);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('hashchange', reload);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  const changed = useCallback(() => setVersion((n) => n + 1), []);
  const value = useMemo(() => ({ paused, version, changed }), [paused, version, changed]);
  return <AiStatusContext value={value}>{children}</AiStatusContext>;
}
