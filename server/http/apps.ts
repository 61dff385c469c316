import express, { type Express, type RequestHandler } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../shared/logger.js';
import { hostGuard, requestContext, securityHeaders, type RequestObserver } from './middleware.js';
import { notFoundHandler, problemHandler, type UnexpectedErrorSink } from './problem.js';
import { mountRoutes, openApiDocument, type RouteGuard } from './router.js';
import type { RouteDef } from './route.js';

/** What /metrics serves: the request counts and everything else the server measures. */
interface MetricsExposition extends RequestObserver {
  readonly contentType: string;
  text(): Promise<string>;
}

/** What /ready answers: 200 when ready, else 503, with the report as the body. */
interface ReadinessReporter {
  report(): Promise<{ ready: boolean }>;
}

export interface HttpDeps {
  log: Logger;
  metrics: MetricsExposition;
  readiness: ReadinessReporter;
  errors: UnexpectedErrorSink;
  bodyLimitBytes: number;
  version: string;
}

function healthRoutes(app: Express, deps: HttpDeps, withReady: boolean): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: deps.version, uptimeSeconds: Math.round(process.uptime()) });
  });
  if (!withReady) return;
  app.get('/ready', async (_req, res) => {
    const report = await deps.readiness.report();
    res.status(report.ready ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.text());
  });
}

function baseApp(deps: HttpDeps, listener: 'staff' | 'public', opts: { allowFraming?: boolean } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestContext(deps.log, deps.metrics, listener));
  app.use(securityHeaders(opts));
  return app;
}

interface StaffAppOptions {
  routes: readonly RouteDef[];
  guard?: RouteGuard;
  /** Extra middleware before the API routes (sessions, ...). */
  before?: RequestHandler[];
  allowedHosts: () => ReadonlySet<string>;
  staticDir?: string | undefined;
}

/** The staff listener: UI, /api/v1, health, readiness and metrics. Never reachable through the tunnel. */
export function createStaffApp(deps: HttpDeps, opts: StaffAppOptions): Express {
  const app = baseApp(deps, 'staff');
  app.use(hostGuard(opts.allowedHosts));
  healthRoutes(app, deps, true);
  app.use('/api', express.json({ limit: deps.bodyLimitBytes, strict: true }));
  for (const mw of opts.before ?? []) app.use(mw);
  const openapi = openApiDocument(opts.routes, { title: 'Nocturn staff API', version: deps.version });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use(mountRoutes(opts.routes, opts.guard));
  app.use('/api', notFoundHandler);
  if (opts.staticDir && uiBuilt(opts.staticDir)) {
    const index = path.join(opts.staticDir, 'index.html');
    app.use(express.static(opts.staticDir, { index: false, maxAge: '1h', fallthrough: true }));
    app.get(/^\/(?!api\/|widget\/|webhooks\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  } else if (opts.staticDir) {
    // A checkout where the UI was never built: the address a person opens says how to build it.
    app.get(/^\/(?!api\/|widget\/|webhooks\/).*/, (_req, res) => {
      res.status(503).type('html').setHeader('Cache-Control', 'no-store').send(UI_NOT_BUILT_PAGE);
    });
  }
  app.use(notFoundHandler);
  app.use(problemHandler(deps.log, deps.errors));
  return app;
}

/** What the console and the staff address say when the staff UI is not built. */
export const UI_NOT_BUILT = 'The staff app is not built yet. Build it with "npm run build:renderer" (or "npm run build"), then restart "nocturn serve".';

const UI_NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nocturn: staff app not built</title></head>
<body><h1>Nocturn is running, but the staff app is not built</h1>
<p>Build it in the Nocturn folder with <code>npm run build:renderer</code> (or <code>npm run build</code>), then restart <code>nocturn serve</code> and reload this page.</p>
<p>The API answers meanwhile under <code>/api/v1</code>; <code>/ready</code> shows the server's state.</p></body></html>
`;

/** Whether a folder holds the built staff UI. */
export function uiBuilt(staticDir: string): boolean {
  return existsSync(path.join(staticDir, 'index.html'));
}

interface PublicAppOptions {
  /** Guest-facing routers mounted under /webhooks and /widget by later features. */
  mount?: (app: Express) => void;
  /** Take the sender's address from X-Forwarded-For as set by a tunnel or proxy on this machine (see client-address.ts). */
  trustForwardedFor?: boolean;
}

/** The public listener: only /webhooks/*, /widget/* and /health. Exposing it exposes nothing else. */
export function createPublicApp(deps: HttpDeps, opts: PublicAppOptions = {}): Express {
  const app = baseApp(deps, 'public');
  // Only a proxy connecting from loopback may name the client; its own X-Forwarded-For entry (the last) is the one used.
  app.set('trust proxy', opts.trustForwardedFor ? 'loopback' : false);
  healthRoutes(app, deps, false);
  opts.mount?.(app);
  app.use(notFoundHandler);
  app.use(problemHandler(deps.log, deps.errors));
  return app;
}
