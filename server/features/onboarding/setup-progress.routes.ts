import { SetupProgressState } from '../../contract/properties.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyService } from '../properties/property.service.js';
import type { SetupProgressService } from './setup-progress.service.js';

export function setupProgressRoutes(progress: SetupProgressService, properties: PropertyService): RouteDef[] {
  const path = '/api/v1/setup-progress';
  return [
    route({
      method: 'get',
      path,
      summary: 'Where the first-hotel set-up guide stopped (null when none is in progress)',
      tag: 'properties',
      permission: 'properties.create',
      response: SetupProgressState,
      handler: () => ({ progress: progress.current() }),
    }),
    route({
      method: 'put',
      path,
      summary: 'Record the set-up guide step to resume at for a hotel, or forget it (progress null: start afresh)',
      tag: 'properties',
      permission: 'properties.create',
      body: SetupProgressState,
      response: SetupProgressState,
      handler: ({ body }) => {
        const b = (body as SetupProgressState).progress;
        if (!b) {
          progress.clear();
          return { progress: null };
        }
        // 404 for a hotel that does not exist; the stored id is always the hotel's id, not its slug.
        return { progress: progress.save({ ...b, propertyId: properties.get(b.propertyId).id }) };
      },
    }),
  ];
}
