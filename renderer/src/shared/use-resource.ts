import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { asApiError, isAbort, type ApiError } from '../api/client';

export type Resource<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: ApiError };

export interface ResourceControls<T> {
  /** Loads again from the server. */
  reload(): void;
  /** Replaces the data with what a write returned, without another request. */
  set(data: T): void;
}

/** Loads data when `deps` change; a newer load or unmount cancels the older request. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): [Resource<T>, ResourceControls<T>] {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      },
      (err: unknown) => {
        if (!controller.signal.aborted && !isAbort(err)) setState({ status: 'error', error: asApiError(err) });
      },
    );
    return () => controller.abort();
    // `load` is recreated every render; `deps` names what it actually depends on.
  }, [...deps, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ status: 'ready', data }), []);
  return [state, { reload, set }];
}
