import { AiSwitchState, SetAiSwitch } from '../../contract/auth.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyService } from '../properties/property.service.js';
import type { AiSwitchService } from './ai-switch.service.js';

export function aiSwitchRoutes(ai: AiSwitchService, properties: PropertyService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/ai/pause',
      summary: 'Whether the AI is paused for the whole group',
      tag: 'ai',
      permission: 'ai.read',
      response: AiSwitchState,
      handler: () => ai.group(),
    }),
    route({
      method: 'put',
      path: '/api/v1/ai/pause',
      summary: 'Pause or resume the AI for every hotel (kill switch)',
      tag: 'ai',
      permission: 'ai.pause_group',
      body: SetAiSwitch,
      response: AiSwitchState,
      handler: ({ body, actor }) => {
        const b = body as { paused: boolean; reason?: string };
        return ai.set('group', b.paused, b.reason, actor);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/properties/:id/ai/pause',
      summary: "Whether the AI is paused for this hotel (by its own switch or the group's)",
      tag: 'ai',
      permission: 'ai.read',
      response: AiSwitchState,
      handler: ({ params }) => ai.forProperty(properties.get(params.id!).id),
    }),
    route({
      method: 'put',
      path: '/api/v1/properties/:id/ai/pause',
      summary: 'Pause or resume the AI for this hotel',
      tag: 'ai',
      permission: 'ai.pause',
      body: SetAiSwitch,
      response: AiSwitchState,
      handler: ({ params, body, actor }) => {
        const b = body as { paused: boolean; reason?: string };
        return ai.set({ propertyId: properties.get(params.id!).id }, b.paused, b.reason, actor);
      },
    }),
  ];
}
