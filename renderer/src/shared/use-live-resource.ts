import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { asApiError, isAbort, markBackground } from '../api/client';
import type { Resource } from './use-resource';

export interface LiveResourceControls<T> {
  /** Loads again showing the loading state (after a failure, or when the user asks). */
  reload(): void;
  /**
   * Loads again in the background and swaps the data in when it arrives: the screen never
   * flashes "Loading…". Calls made while a request is in flight collapse into one more request.
   */
  refresh(): void;
  /** Replaces the data with what a write returned. */
  set(data: T): void;
}

/**
 * Like useResource, for screens that follow live events: background refreshes keep what is shown
 * until the new data is there, and a burst of events costs at most two requests.
 */
export function useLiveResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): [Resource<T>, LiveResourceControls<T>] {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);
  const inFlight = useRef<AbortController | null>(null);
  const pending = useRef(false);

  const run = useCallback((quiet: boolean) => {
    const gen = generation.current;
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    // A quiet refresh follows a live event, not the user: it must not keep the session awake.
    if (quiet) markBackground(controller.signal);
    else setState({ status: 'loading' });
    const current = () => !controller.signal.aborted && gen === generation.current;
    loadRef
      .current(controller.signal)
      .then(
        (data) => {
          if (current()) setState({ status: 'ready', data });
        },
        (err: unknown) => {
          if (!current() || isAbort(err)) return;
          // A failed background refresh keeps what is on screen; the next event tries again.
          setState((s) => (quiet && s.status === 'ready' ? s : { status: 'error', error: asApiError(err) }));
        },
      )
      .finally(() => {
        if (inFlight.current !== controller) return;
        inFlight.current = null;
        if (pending.current && gen === generation.current) {
          pending.current = false;
          runRef.current(true);
        }
      });
  }, []);
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    generation.current++;
    pending.current = false;
    run(false);
    return () => {
      inFlight.current?.abort();
      inFlight.current = null;
    };
    // `load` is recreated every render; `deps` names what it actually depends on.
  }, deps);

  const reload = useCallback(() => {
    pending.current = false;
    run(false);
  }, [run]);
  const refresh = useCallback(() => {
    if (inFlight.current) pending.current = true;
    else run(true);
  }, [run]);
  const set = useCallback((data: T) => setState({ status: 'ready', data }), []);
  return [state, { reload, refresh, set }];
}
