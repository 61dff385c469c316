import { SetupProgressState, type SetupProgress } from '@contract/properties';
import { useMemo } from 'react';
import { useApi } from '../../api/api-context';

/** Where the set-up guide stopped, kept by the server (`/api/v1/setup-progress`). */
export interface SetupProgressApi {
  get(signal?: AbortSignal): Promise<SetupProgress | null>;
  /** null forgets it: the next visit starts afresh. */
  save(progress: SetupProgress | null): Promise<SetupProgress | null>;
}

export function useSetupProgressApi(): SetupProgressApi {
  const api = useApi();
  return useMemo(
    () => ({
      get: async (signal) => (await api.get('/setup-progress', SetupProgressState, { signal })).progress,
      save: async (progress) => (await api.put('/setup-progress', { progress }, SetupProgressState)).progress,
    }),
    [api],
  );
}
