import { AiSwitchState } from '@contract/auth';
import { useMemo } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

/** Where a pause applies: every hotel, or one. */
export type AiScope = { kind: 'group' } | { kind: 'property'; id: string };

export interface AiApi {
  state(scope: AiScope, signal?: AbortSignal): Promise<AiSwitchState>;
  /** Pauses or resumes; the reason is shown to staff and kept in the audit log. */
  set(scope: AiScope, paused: boolean, reason?: string): Promise<AiSwitchState>;
}

export function aiApi(api: ApiClient): AiApi {
  const path = (scope: AiScope) => (scope.kind === 'group' ? '/ai/pause' : `/properties/${encodeURIComponent(scope.id)}/ai/pause`);
  return {
    state: (scope, signal) => api.get(path(scope), AiSwitchState, { signal }),
    set: (scope, paused, reason) => {
      const trimmed = reason?.trim();
      return api.put(path(scope), { paused, ...(trimmed ? { reason: trimmed } : {}) }, AiSwitchState);
    },
  };
}

export function useAiApi(): AiApi {
  const api = useApi();
  return useMemo(() => aiApi(api), [api]);
}
