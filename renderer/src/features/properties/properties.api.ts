import { useMemo } from 'react';
import { Property, PropertyList, type CreateProperty, type UpdateProperty } from '@contract/properties';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';

export interface PropertiesApi {
  list(signal?: AbortSignal): Promise<Property[]>;
  get(id: string, signal?: AbortSignal): Promise<Property>;
  create(input: CreateProperty): Promise<Property>;
  /** Sends only the fields that changed; the server rejects unknown keys. */
  update(id: string, patch: UpdateProperty): Promise<Property>;
}

export function propertiesApi(api: ApiClient): PropertiesApi {
  const one = (id: string) => `/properties/${encodeURIComponent(id)}`;
  return {
    list: async (signal) => (await api.get('/properties', PropertyList, { signal })).items,
    get: (id, signal) => api.get(one(id), Property, { signal }),
    create: (input) => api.post('/properties', input, Property),
    update: (id, patch) => api.patch(one(id), patch, Property),
  };
}

export function usePropertiesApi(): PropertiesApi {
  const api = useApi();
  return useMemo(() => propertiesApi(api), [api]);
}
