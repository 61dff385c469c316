import { useEffect, useState } from 'react';
import { useKnowledgeApi } from '../knowledge/knowledge.api';

const cache = new Map<string, { at: number; titles: Map<string, string> }>();
const FRESH_MS = 60_000;

/** Titles of a hotel's knowledge items (deactivated ones too), to name what an AI reply cited. */
export function useKnowledgeTitles(propertyId: string, needed: boolean): ReadonlyMap<string, string> {
  const api = useKnowledgeApi();
  const cached = cache.get(propertyId);
  const [titles, setTitles] = useState<ReadonlyMap<string, string>>(cached?.titles ?? new Map());

  useEffect(() => {
    if (!needed) return;
    const hit = cache.get(propertyId);
    if (hit && Date.now() - hit.at < FRESH_MS) {
      setTitles(hit.titles);
      return;
    }
    const controller = new AbortController();
    api.list(propertyId, { active: 'all' }, controller.signal).then(
      (items) => {
        const map = new Map(items.map((i) => [i.id, i.title]));
        cache.set(propertyId, { at: Date.now(), titles: map });
        if (!controller.signal.aborted) setTitles(map);
      },
      () => undefined, // Citations then read "a knowledge item"; the transcript is what matters.
    );
    return () => controller.abort();
  }, [api, propertyId, needed]);
  return titles;
}
