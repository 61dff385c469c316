import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Actor } from '../shared/actor.js';
import { parseInput } from '../shared/validation.js';
import { isStateChanging, type RouteDef } from './route.js';
import { UnsupportedMediaError } from '../shared/errors.js';

/**
 * Per-route guard installed before the handler; the access layer (sessions, roles, grants)
 * plugs in here, so every route declared in the table passes through it.
 */
export type RouteGuard = (def: RouteDef) => RequestHandler[];

function requireJson(def: RouteDef): RequestHandler {
  return (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (def.body && isStateChanging(def.method) && hasBody && !req.is('application/json')) {
      next(new UnsupportedMediaError('Send the body as application/json'));
      return;
    }
    next();
  };
}

/** Mounts the declared routes: parse input with zod, one handler call, JSON out. */
export function mountRoutes(routes: readonly RouteDef[], guard: RouteGuard = () => []): Router {
  const router = Router();
  for (const def of routes) {
    const handler: RequestHandler = async (req: Request, res, next) => {
      try {
        const body = def.body ? parseInput(def.body, req.body ?? undefined, 'The request body') : undefined;
        const query = def.query ? parseInput(def.query, req.query, 'The query string') : undefined;
        const actor = (res.locals.actor as Actor | undefined) ?? { userId: null, role: 'system' as const, label: 'anonymous', requestId: res.locals.requestId as string, address: req.socket.remoteAddress, propertyIds: [] };
        const result = await def.handler({ req, res, actor, params: req.params as Record<string, string>, body, query });
        if (res.headersSent) return;
        if (result === undefined) res.status(def.status ?? 204).end();
        else res.status(def.status ?? 200).json(result);
      } catch (err) {
        next(err);
      }
    };
    router[def.method](def.path, requireJson(def), ...guard(def), handler);
  }
  return router;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

/** OpenAPI 3.1 description generated from the same route table and zod schemas. */
export function openApiDocument(routes: readonly RouteDef[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  for (const def of routes) {
    const p = openApiPath(def.path);
    const params = [...def.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const op: Record<string, unknown> = {
      summary: def.summary,
      tags: [def.tag],
      'x-permission': def.permission,
      parameters: params,
      responses: {
        [String(def.status ?? (def.response ? 200 : 204))]: def.response
          ? { description: 'OK', content: { 'application/json': { schema: z.toJSONSchema(def.response, { io: 'output', unrepresentable: 'any' }) } } }
          : { description: 'No content' },
        '400': problem,
        '401': problem,
        '403': problem,
        '404': problem,
      },
    };
    if (def.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(def.body, { io: 'input', unrepresentable: 'any' }) } } };
    }
    (paths[p] ??= {})[def.method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
          },
        },
      },
    },
  };
}
