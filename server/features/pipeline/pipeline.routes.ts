import { TrialResult, TryQuestion } from '../../contract/assistant.js';
import { route, type RouteDef } from '../../http/route.js';
import type { Clock } from '../../shared/clock.js';
import type { PropertyScope } from '../properties/property.service.js';
import type { PipelineService } from './pipeline.service.js';

export function pipelineRoutes(pipeline: Pick<PipelineService, 'trial'>, scope: (propertyId: string) => PropertyScope, clock: Clock): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/properties/:id/assistant/try',
      summary: "What the assistant would reply to a guest's message now (a dry run: nothing is stored)",
      tag: 'knowledge',
      permission: 'knowledge.read',
      body: TryQuestion,
      response: TrialResult,
      handler: async ({ params, body }) => {
        const out = await pipeline.trial(scope(params.id!), (body as { question: string }).question, clock.now());
        return { decision: out.decision, reply: out.reply, confidence: out.confidence, provider: out.provider, handoffReason: out.handoffReason, citations: out.citations, retrieved: out.retrieved, parts: out.parts };
      },
    }),
  ];
}
