import { useMemo } from 'react';
import { TrialResult } from '@contract/assistant';
import type { ApiClient } from '../../api/client';
import { useApi } from '../../api/api-context';

export type { TrialResult } from '@contract/assistant';

/** "Try a question": the reply the assistant would give, composed as for a guest and stored nowhere. */
export interface AssistantApi {
  tryQuestion(propertyId: string, question: string, signal?: AbortSignal): Promise<TrialResult>;
}

export function assistantApi(api: ApiClient): AssistantApi {
  return {
    tryQuestion: (propertyId, question, signal) => api.post(`/properties/${encodeURIComponent(propertyId)}/assistant/try`, { question }, TrialResult, { signal }),
  };
}

export function useAssistantApi(): AssistantApi {
  const api = useApi();
  return useMemo(() => assistantApi(api), [api]);
}
