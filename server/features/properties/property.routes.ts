import { CreateProperty, Property, PropertyList, UpdateProperty } from '../../contract/properties.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyService } from './property.service.js';

export function propertyRoutes(properties: PropertyService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/properties',
      summary: 'List the hotels of the group',
      tag: 'properties',
      permission: 'properties.read',
      response: PropertyList,
      handler: ({ actor }) => ({ items: properties.list(actor) }),
    }),
    route({
      method: 'post',
      path: '/api/v1/properties',
      summary: 'Create a hotel, its database and its keys',
      tag: 'properties',
      permission: 'properties.create',
      body: CreateProperty,
      response: Property,
      status: 201,
      handler: ({ body, res, actor }) => {
        const created = properties.create(body, actor);
        res.setHeader('Location', `/api/v1/properties/${created.id}`);
        return created;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/properties/:id',
      summary: 'Read one hotel by id or slug',
      tag: 'properties',
      permission: 'properties.read',
      response: Property,
      handler: ({ params }) => properties.get(params.id!),
    }),
    route({
      method: 'patch',
      path: '/api/v1/properties/:id',
      summary: "Update a hotel's settings",
      tag: 'properties',
      permission: 'properties.update',
      body: UpdateProperty,
      response: Property,
      handler: ({ params, body, actor }) => properties.update(params.id!, body, actor),
    }),
  ];
}
