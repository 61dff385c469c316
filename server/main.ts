import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Config } from './config/config.js';
import { openCore, type Core, type CoreOptions } from './core.js';
import { createPublicApp, createStaffApp, uiBuilt, UI_NOT_BUILT, type HttpDeps } from './http/apps.js';
import { loopbackHosts } from './http/middleware.js';
import type { RouteDef } from './http/route.js';
import type { Logger } from './shared/logger.js';
import { projectRoot } from './shared/paths.js';

/** The process around the composition root (core.ts): two HTTP listeners, start-up and graceful shutdown. */
export interface RunningServer {
  core: Core;
  staffUrl: string;
  publicUrl: string;
  routes: readonly RouteDef[];
  /** With no staff account yet: the one-time token for first-run setup (printed, never logged). */
  setupToken: string | undefined;
  /** Where the staff UI should be when it is served from there but not built yet (the console says how to build it). */
  uiNotBuilt: string | undefined;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes databases. */
  close(): Promise<void>;
}

interface TrackedServer {
  server: http.Server;
  sockets: Set<Socket>;
}

function listen(app: http.RequestListener, host: string, port: number): Promise<TrackedServer> {
  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, app);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, sockets });
    });
  });
}

async function stopListening(t: TrackedServer, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => t.server.close(() => resolve()));
  t.server.closeIdleConnections();
  const timer = setTimeout(() => t.server.closeAllConnections(), timeoutMs);
  await closed;
  clearTimeout(timer);
}

export async function startServer(opts: CoreOptions & { staticDir?: string }): Promise<RunningServer> {
  const { config, log } = opts;
  // The public listener's own address is the public URL until a tunnel has one, unless one is configured.
  let listenerUrl: string | undefined = config.public.url;
  const core = openCore({ ...opts, serving: { listenerUrl: () => listenerUrl } });
  try {
    const deps: HttpDeps = { log, metrics: core.metrics, readiness: core.readiness, errors: core.errors, bodyLimitBytes: config.bodyLimitBytes, version: core.version };
    let staffHosts: ReadonlySet<string> = new Set();
    const uiDir = config.serveUi ? (opts.staticDir ?? path.join(projectRoot(), 'dist', 'renderer')) : undefined;
    const uiNotBuilt = uiDir && !uiBuilt(uiDir) ? uiDir : undefined;
    if (uiNotBuilt) log.warn({ uiDir: uiNotBuilt }, UI_NOT_BUILT);
    const { routes, before, guard, publicRouters } = core.http;
    const staffApp = createStaffApp(deps, { routes, before, guard, allowedHosts: () => staffHosts, staticDir: uiDir });
    const publicApp = createPublicApp(deps, {
      mount: (app) => {
        for (const router of publicRouters) app.use(router);
      },
      trustForwardedFor: config.public.trustForwardedFor,
    });
    const staff = await listen(staffApp, config.staff.host, config.staff.port);
    const staffPort = (staff.server.address() as AddressInfo).port;
    staffHosts = loopbackHosts(staffPort);
    const pub = await listen(publicApp, config.public.host, config.public.port).catch(async (err: unknown) => {
      await stopListening(staff, 0);
      throw err;
    });
    const publicPort = (pub.server.address() as AddressInfo).port;
    const staffUrl = `http://127.0.0.1:${staffPort}`;
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    listenerUrl ??= publicUrl;
    log.info({ staffUrl, publicUrl, staffPort, publicPort, dataDir: config.dataDir, env: config.env }, 'nocturn listening');

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        log.info('shutting down: no new connections, finishing in-flight requests');
        core.events.shutdown();
        await core.tunnel.stop();
        await Promise.all([stopListening(staff, config.shutdownTimeoutMs), stopListening(pub, config.shutdownTimeoutMs)]);
        await core.close();
        log.info('shutdown complete');
      })());
    core.start({ publicPort });
    const setupToken = core.auth.firstRunToken();
    if (setupToken) log.warn({ setupUrl: `${staffUrl}/setup` }, 'first run: no staff account yet; the one-time setup token is printed on the console');
    return { core, staffUrl, publicUrl, routes, setupToken, uiNotBuilt, close };
  } catch (err) {
    await core.close();
    throw err;
  }
}

/**
 * Installs SIGINT/SIGTERM handlers before the server has even started (a signal during start-up
 * waits for it), then shuts down gracefully and exits: 0 on a clean stop, 1 otherwise.
 */
export function exitOnSignal(starting: Promise<RunningServer>, config: Config, log: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'signal received');
    const hardStop = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 2_000);
    hardStop.unref();
    starting
      .then((server) => server.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
