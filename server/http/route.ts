import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../shared/actor.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One staff API route, declared once: the router mounts it, the OpenAPI document describes it,
 * and the access layer enforces its permission. `permission` names `resource.action`.
 */
export interface RouteDef {
  method: Method;
  /** Express path under the listener root, for example `/api/v1/properties/:id`. */
  path: string;
  summary: string;
  tag: string;
  permission: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  /** Success status; 200 unless said otherwise. */
  status?: number;
  handler: (ctx: RouteContext) => unknown;
}

export interface RouteContext {
  req: Request;
  res: Response;
  /** Who is calling (set by the access guard; anonymous on public routes). */
  actor: Actor;
  params: Record<string, string>;
  body: unknown;
  query: unknown;
}

export function route(def: RouteDef): RouteDef {
  return def;
}

export function isStateChanging(method: Method): boolean {
  return method !== 'get';
}
