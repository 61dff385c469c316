import type { Response } from 'express';
import { z } from 'zod';
import { ChangePassword, LoginRequest, SessionInfo, SetupRequest } from '../../contract/auth.js';
import { route, type RouteDef } from '../../http/route.js';
import { UnauthorizedError } from '../../shared/errors.js';
import type { UserService } from '../users/user.service.js';
import { originOf, SESSION_COOKIE, sessionOf } from './access.middleware.js';
import type { AuthService, Session } from './auth.service.js';

function setCookie(res: Response, token: string, maxAgeSeconds: number): void {
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`);
}

function clearCookie(res: Response): void {
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
}

export function authRoutes(auth: AuthService, users: UserService, idleTimeoutMinutes: number): RouteDef[] {
  const info = (s: Session | undefined): SessionInfo =>
    s
      ? { authenticated: true, setupRequired: false, user: auth.publicUser(s.user), csrfToken: s.csrfToken, expiresAt: s.expiresAt, idleTimeoutSeconds: idleTimeoutMinutes * 60 }
      : { authenticated: false, setupRequired: auth.setupRequired() };
  const signedIn = (res: Response, result: { token: string; session: Session }) => {
    setCookie(res, result.token, Math.max(1, Math.floor((Date.parse(result.session.expiresAt) - Date.now()) / 1000)));
    return info(result.session);
  };
  return [
    route({
      method: 'get',
      path: '/api/v1/auth/session',
      summary: 'The current session (or whether first-run setup is needed)',
      tag: 'auth',
      permission: 'public',
      response: SessionInfo,
      handler: ({ res }) => info(sessionOf(res)),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      summary: 'Sign in; sets the session cookie and returns the CSRF token',
      tag: 'auth',
      permission: 'public',
      body: LoginRequest,
      response: SessionInfo,
      handler: async ({ req, res, body }) => signedIn(res, await auth.login(body, originOf(req, res))),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/setup',
      summary: 'First run: create the first admin with the one-time setup token',
      tag: 'auth',
      permission: 'public',
      body: SetupRequest,
      response: SessionInfo,
      status: 201,
      handler: async ({ req, res, body }) => signedIn(res, await auth.setup(body, originOf(req, res))),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      summary: 'Sign out and revoke this session',
      tag: 'auth',
      permission: 'session.self',
      handler: ({ res }) => {
        const s = sessionOf(res);
        if (!s) throw new UnauthorizedError();
        auth.logout(s);
        clearCookie(res);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/password',
      summary: 'Change your own password; your other sessions are signed out',
      tag: 'auth',
      permission: 'session.self',
      body: ChangePassword,
      handler: async ({ res, body, actor }) => {
        const s = sessionOf(res)!;
        await users.changePassword(s.user.id, body, actor, s.tokenHash);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/totp/enroll',
      summary: 'Start two-factor enrolment (admins and managers); returns the otpauth URI',
      tag: 'auth',
      permission: 'auth.totp',
      response: z.object({ uri: z.string(), secret: z.string() }),
      handler: ({ res }) => users.enrollTotp(sessionOf(res)!.user.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/totp/confirm',
      summary: 'Confirm two-factor enrolment with a current code',
      tag: 'auth',
      permission: 'auth.totp',
      body: z.object({ code: z.string().regex(/^\d{6}$/) }).strict(),
      handler: ({ res, body, actor }) => {
        users.confirmTotp(sessionOf(res)!.user.id, (body as { code: string }).code, actor);
        return undefined;
      },
    }),
  ];
}
