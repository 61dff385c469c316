import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../shared/logger.js';
import { sendProblem, PROBLEM_TYPE_BASE } from './problem.js';

function decodedPath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** Where each answered request is counted (the Prometheus metrics, passed in by the composition root). */
export interface RequestObserver {
  observe(listener: string, method: string, route: string, status: number, seconds: number): void;
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Gives every request an id (the caller's, when well-formed), a child logger, and a log line when done. */
export function requestContext(log: Logger, metrics: RequestObserver, listener: 'staff' | 'public'): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const child = log.child({ reqId: id, listener });
    res.locals.log = child;
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routeTemplate = req.route ? `${req.baseUrl}${String(req.route.path)}` : res.statusCode === 404 ? 'unmatched' : req.baseUrl || 'static';
      metrics.observe(listener, req.method, routeTemplate, res.statusCode, seconds);
      child.info(
        { method: req.method, route: routeTemplate, path: decodedPath(req.path), status: res.statusCode, ms: Math.round(seconds * 1000 * 10) / 10, propertyId: res.locals.propertyId },
        'request',
      );
    });
    next();
  };
}

export function securityHeaders(opts: { allowFraming?: boolean } = {}): RequestHandler {
  return (_req, res, next) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'" +
        (opts.allowFraming ? '' : "; frame-ancestors 'none'"),
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!opts.allowFraming) res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    res.removeHeader('X-Powered-By');
    next();
  };
}

/**
 * DNS-rebinding defence for the staff listener: only requests addressed to its own loopback
 * address are served. The allowed set is computed once the port is known.
 */
export function hostGuard(allowedHosts: () => ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (allowedHosts().has(host)) return next();
    sendProblem(res, 421, {
      type: PROBLEM_TYPE_BASE + 'misdirected-request',
      title: 'Host not allowed',
      detail: 'This listener only answers requests addressed to its own loopback address.',
    });
  };
}

export function loopbackHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}
