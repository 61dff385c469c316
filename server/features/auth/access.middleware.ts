import type { Request, RequestHandler, Response } from 'express';
import type { Property } from '../../contract/properties.js';
import type { RouteDef } from '../../http/route.js';
import { isStateChanging } from '../../http/route.js';
import { canSeeProperty } from '../../shared/actor.js';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../shared/errors.js';
import { BACKGROUND_HEADER } from '../../contract/auth.js';
import { isPermission, PERMISSIONS, roleAllows } from '../../contract/permissions.js';
import type { AuthService, Session } from './auth.service.js';

export const SESSION_COOKIE = 'nocturn_session';
const CSRF_HEADER = 'x-csrf-token';

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function sessionOf(res: Response): Session | undefined {
  return res.locals.session as Session | undefined;
}

export function originOf(req: Request, res: Response) {
  return { address: req.socket.remoteAddress, userAgent: req.get('user-agent'), requestId: res.locals.requestId as string | undefined };
}

/** Attaches the live session (if any) to every API request. */
export function loadSession(auth: AuthService): RequestHandler {
  return (req, res, next) => {
    const session = auth.resolve(readCookie(req, SESSION_COOKIE), originOf(req, res), { activity: req.get(BACKGROUND_HEADER) !== '1' });
    if (session) {
      res.locals.session = session;
      res.locals.actor = session.actor;
    }
    next();
  };
}

/**
 * The one access check every declared route passes through: session, CSRF on state changes,
 * the declared permission, and the hotel grant. A hotel the user may not see answers 404, so
 * its existence is not revealed (A4, A5).
 */
export function accessGuard(auth: AuthService, findProperty: (idOrSlug: string) => Property | undefined) {
  return (def: RouteDef): RequestHandler[] => {
    if (!isPermission(def.permission)) throw new Error(`route ${def.method.toUpperCase()} ${def.path} declares unknown permission "${def.permission}"`);
    const permission = def.permission;
    if (PERMISSIONS[permission] === null) return [];
    const scoped = def.path.includes('/properties/:id');
    const check: RequestHandler = (req, res, next) => {
      const session = sessionOf(res);
      if (!session) return next(new UnauthorizedError('Your session has ended. Sign in again.'));
      if (isStateChanging(def.method) && !auth.checkCsrf(session, req.get(CSRF_HEADER))) {
        return next(new ForbiddenError('Missing or wrong CSRF token; reload the page.'));
      }
      // The hotel grant is checked before the role, so a hotel the user may not see is a 404 whatever the route.
      if (scoped) {
        const key = (req.params as Record<string, string>).id ?? '';
        const property = findProperty(key);
        if (!property || !canSeeProperty(session.actor, property.id)) return next(new NotFoundError('No such property'));
        res.locals.propertyId = property.id;
      }
      if (!roleAllows(session.user.role, permission)) return next(new ForbiddenError());
      next();
    };
    return [check];
  };
}
