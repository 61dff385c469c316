import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Config } from './config/config.js';
import { openCore, type Core, type CoreOptions } from './core.js';
import { accessGuard, loadSession, sessionOf } from './features/auth/access.middleware.js';
import { aiSwitchRoutes } from './features/ai-switch/ai-switch.routes.js';
import { auditRoutes } from './features/audit/audit.routes.js';
import { authRoutes } from './features/auth/auth.routes.js';
import { knowledgeRoutes } from './features/knowledge/knowledge.routes.js';
import { propertyRoutes } from './features/properties/property.routes.js';
import { conversationRoutes } from './features/conversations/conversation.routes.js';
import { eventRoutes } from './features/events/events.routes.js';
import { inboxRoutes } from './features/conversations/inbox.routes.js';
import { privacyRoutes } from './features/privacy/privacy.routes.js';
import { systemStatus } from './features/system/system-status.js';
import { outboxRoutes } from './features/outbox/outbox.routes.js';
import { inboxDeadLetterRoutes } from './features/inbox/inbox.routes.js';
import { warmUpGuestParsers } from './features/leads/warm-up.js';
import { userRoutes } from './features/users/user.routes.js';
import { systemRoutes } from './features/system/system.routes.js';
import { pipelineRoutes } from './features/pipeline/pipeline.routes.js';
import { reportRoutes } from './features/reports/report.routes.js';
import { channelRoutes } from './features/channels/channel.routes.js';
import { whatsAppWebhookRouter } from './features/channels/whatsapp/whatsapp.webhook.js';
import { emailChannelService, startEmailChannel } from './features/channels/email/email.channel.js';
import { emailRoutes } from './features/channels/email/email.routes.js';
import { startWidgetChannel, widgetSettingsService } from './features/channels/widget/widget.channel.js';
import { widgetRoutes } from './features/channels/widget/widget.routes.js';
import { createTunnelProvider } from './features/tunnel/tunnel.factory.js';
import { TunnelManager } from './features/tunnel/tunnel.manager.js';
import { tunnelRoutes } from './features/tunnel/tunnel.routes.js';
import { createPublicApp, createStaffApp, uiBuilt, UI_NOT_BUILT, type HttpDeps } from './http/apps.js';
import { loopbackHosts } from './http/middleware.js';
import type { RouteDef } from './http/route.js';
import { ChannelCheckRepository } from './features/channels/channel-check.repository.js';
import { ChannelCheckService } from './features/channels/channel-check.service.js';
import { reportMailRoutes } from './features/report-mail/report-mail.routes.js';
import { SetupProgressRepository } from './features/onboarding/setup-progress.repository.js';
import { setupProgressRoutes } from './features/onboarding/setup-progress.routes.js';
import { SetupProgressService } from './features/onboarding/setup-progress.service.js';
import { savedReplyRoutes } from './features/saved-replies/saved-reply.routes.js';
import { SavedReplyService } from './features/saved-replies/saved-reply.service.js';
import type { Logger } from './shared/logger.js';
import { projectRoot } from './shared/paths.js';

/** Composition root: config -> keys -> databases -> services -> HTTP listeners. */
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

/** `publicUrl`: the base shown as each channel's webhook URL (the configured one, else the public listener's). */
export function buildRoutes(
  core: Core,
  publicUrl: () => string | undefined = () => core.config.public.url,
  tunnel: Pick<TunnelManager, 'status'> = new TunnelManager(null, { log: core.log }),
): RouteDef[] {
  return [
    ...authRoutes(core.auth, core.users, core.config.auth.idleTimeoutMinutes),
    ...userRoutes(core.users),
    ...auditRoutes(core.audit, core.config.pageLimitMax),
    ...propertyRoutes(core.properties),
    ...setupProgressRoutes(new SetupProgressService(new SetupProgressRepository(core.databases.group), (id) => core.properties.find(id) !== undefined, core.clock), core.properties),
    ...knowledgeRoutes(core.knowledge, { importLimitBytes: core.config.knowledge.importLimitBytes, onShutdown: (fn) => core.events.onShutdown(fn) }),
    ...aiSwitchRoutes(core.ai, core.properties),
    ...conversationRoutes(core.conversations, core.leads, core.properties, (id) => core.users.record(id) !== undefined, core.config.pageLimitMax),
    ...outboxRoutes(core.outbox, core.properties, core.config.pageLimitMax),
    ...inboxDeadLetterRoutes(core.inbox, core.properties, core.config.pageLimitMax),
    ...savedReplyRoutes(new SavedReplyService(core.audit, core.clock), core.properties),
    ...eventRoutes(core.events, {
      sessionLive: (res) => {
        const session = sessionOf(res);
        return session !== undefined && core.auth.isLive(session);
      },
    }),
    ...systemRoutes(core.errors, core.config.pageLimitMax, () => systemStatus(core)),
    ...inboxRoutes(core.conversations, core.properties, core.config.pageLimitMax),
    ...privacyRoutes(core.privacy, core.backups, core.keys, core.dataKeys),
    ...channelRoutes({
      channels: core.channels,
      whatsapp: core.whatsapp,
      properties: core.properties,
      checks: new ChannelCheckService({
        channels: core.channels,
        repo: new ChannelCheckRepository(core.databases.group),
        clock: core.clock,
        log: core.log,
        whatsappApiBase: core.config.whatsapp.apiBase,
        emailApiBases: core.config.emailApis,
      }),
      publicUrl,
    }),
    ...emailRoutes(emailChannelService(core, publicUrl), core.properties),
    ...widgetRoutes(widgetSettingsService(core, publicUrl)),
    ...tunnelRoutes(tunnel),
    ...reportRoutes(core.reports, core.knowledgeGaps, (id) => core.properties.scope(id)),
    ...pipelineRoutes(core.pipeline, (id) => core.properties.scope(id), core.clock),
    ...reportMailRoutes(core.reportMail, core.properties),
  ];
}

export async function startServer(opts: CoreOptions & { staticDir?: string }): Promise<RunningServer> {
  const core = openCore(opts);
  const { config, log } = core;
  try {
    let listenerUrl: string | undefined = config.public.url;
    const tunnel = new TunnelManager(createTunnelProvider(config.tunnel, log), { log, clock: core.clock });
    core.readiness.register(tunnel.readinessCheck());
    core.disposables.add('tunnel', () => tunnel.stop());
    // Where the internet reaches the public listener: the tunnel's URL, else the configured one, else its own address.
    const publicBase = () => tunnel.url() ?? listenerUrl;
    const routes = buildRoutes(core, publicBase, tunnel);
    const deps: HttpDeps = { log, metrics: core.metrics, readiness: core.readiness, errors: core.errors, bodyLimitBytes: config.bodyLimitBytes, version: core.version };
    let staffHosts: ReadonlySet<string> = new Set();
    const uiDir = config.serveUi ? (opts.staticDir ?? path.join(projectRoot(), 'dist', 'renderer')) : undefined;
    const uiNotBuilt = uiDir && !uiBuilt(uiDir) ? uiDir : undefined;
    if (uiNotBuilt) log.warn({ uiDir: uiNotBuilt }, UI_NOT_BUILT);
    const staffApp = createStaffApp(deps, {
      routes,
      before: [loadSession(core.auth)],
      guard: accessGuard(core.auth, (key) => core.properties.find(key)),
      allowedHosts: () => staffHosts,
      staticDir: uiDir,
    });
    const emailWebhookRouter = startEmailChannel(core, publicBase);
    const widget = startWidgetChannel(core);
    core.disposables.add('widget live state', () => widget.close());
    const publicApp = createPublicApp(deps, {
      mount: (app) => {
        app.use(whatsAppWebhookRouter(core.whatsapp, { bodyLimitBytes: config.webhookBodyLimitBytes }));
        app.use(emailWebhookRouter);
        app.use(widget.router);
      },
      trustForwardedFor: config.public.trustForwardedFor,
    });
    warmUpGuestParsers();
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
        await tunnel.stop();
        await Promise.all([stopListening(staff, config.shutdownTimeoutMs), stopListening(pub, config.shutdownTimeoutMs)]);
        await core.close();
        log.info('shutdown complete');
      })());
    core.knowledge.start();
    core.inbox.start();
    core.outbox.start();
    tunnel.start({ port: publicPort });
    core.backups.start();
    core.retention.start();
    core.reportScheduler.start();
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
