import type { Property } from '@contract/properties';
import { createContext, use, useEffect, useMemo, type ReactNode } from 'react';
import { usePropertiesApi } from '../features/properties/properties.api';
import { useLiveResource } from '../shared/use-live-resource';
import type { Resource } from '../shared/use-resource';

interface Hotels {
  /** The hotels the signed-in person may see. */
  list: Resource<Property[]>;
  /** Ready hotels by id (empty while loading). */
  byId: ReadonlyMap<string, Property>;
  /** Call after creating or changing a hotel. */
  refresh(): void;
  reload(): void;
}

const HotelsContext = createContext<Hotels | null>(null);

/** The visible hotels, loaded once for the inbox, leads, knowledge and settings screens. */
export function HotelsProvider({ children }: { children: ReactNode }) {
  const api = usePropertiesApi();
  const [list, { refresh, reload }] = useLiveResource((signal) => api.list(signal), [api]);
  // Hotels are created and renamed on other screens; read the list again on every navigation.
  useEffect(() => {
    window.addEventListener('hashchange', refresh);
    return () => window.removeEventListener('hashchange', refresh);
  }, [refresh]);
  const value = useMemo<Hotels>(() => {
    const byId = new Map(list.status === 'ready' ? list.data.map((p) => [p.id, p]) : []);
    return { list, byId, refresh, reload };
  }, [list, refresh, reload]);
  return <HotelsContext value={value}>{children}</HotelsContext>;
}

export function useHotels(): Hotels {
  const hotels = use(HotelsContext);
  if (!hotels) throw new Error('useHotels() needs a <HotelsProvider> above it');
  return hotels;
}

/** The hotels as options for a filter, "All hotels" first. */
export function hotelOptions(list: Resource<Property[]>, allLabel = 'All hotels'): { value: string; label: string }[] {
  return [{ value: '', label: allLabel }, ...(list.status === 'ready' ? list.data.map((h) => ({ value: h.id, label: h.name })) : [])];
}
