import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config/config.js';
import { Databases } from './db/databases.js';
import { AiSwitchRepository } from './features/ai-switch/ai-switch.repository.js';
import { AiSwitchService } from './features/ai-switch/ai-switch.service.js';
import { AuditRepository } from './features/audit/audit.repository.js';
import { AuditService } from './features/audit/audit.service.js';
import { AuthService } from './features/auth/auth.service.js';
import { SessionRepository } from './features/auth/session.repository.js';
import { PropertyRepository } from './features/properties/property.repository.js';
import { PropertyService } from './features/properties/property.service.js';
import { ErrorGroupRepository } from './features/system/error-group.repository.js';
import { HttpMetrics } from './features/system/metrics.js';
import { createEmbedder } from './features/knowledge/embedder.factory.js';
import { KnowledgeService } from './features/knowledge/knowledge.service.js';
import { ErrorRecorder, Readiness } from './features/system/system.service.js';
import { ConversationLedger } from './features/conversations/conversation-ledger.js';
import { ConversationService } from './features/conversations/conversation.service.js';
import { LeadService } from './features/leads/lead.service.js';
import { createLlmStack, type LlmStack } from './features/llm/llm.factory.js';
import { SqliteBudgetStore } from './features/llm/cloud-budget.repository.js';
import { KnowledgeRetriever } from './features/pipeline/knowledge.retriever.js';
import { PipelineService } from './features/pipeline/pipeline.service.js';
import { KnowledgeGapService } from './features/reports/knowledge-gap.service.js';
import { ReportScheduler } from './features/reports/report.scheduler.js';
import { ReportMailRepository } from './features/report-mail/report-mail.repository.js';
import { ReportMailSender } from './features/report-mail/report-mail.sender.js';
import { ReportMailService } from './features/report-mail/report-mail.service.js';
import { ReportService } from './features/reports/report.service.js';
import { EventBus } from './shared/events.js';
import { InboundQueueRepository } from './features/inbound/inbound-queue.repository.js';
import { BackupService } from './features/backup/backup.service.js';
import { RetentionService } from './features/retention/retention.service.js';
import { PrivacyService } from './features/privacy/privacy.service.js';
import type { KeyRotation } from './features/privacy/privacy.routes.js';
import { deriveFromPassphrase } from './features/vault/key-vault.js';
import { DataKeyRotation } from './features/vault/data-key-rotation.js';
import { ChannelBindingRepository } from './features/channels/channel-binding.repository.js';
import { ChannelBindingService } from './features/channels/channel-binding.service.js';
import type { ChannelDeps, GuestChannel } from './features/channels/channel.js';
import { ChannelCheckRepository } from './features/channels/channel-check.repository.js';
import { ChannelCheckService } from './features/channels/channel-check.service.js';
import { channelRoutes } from './features/channels/channel.routes.js';
import { emailChannel } from './features/channels/email/email.channel.js';
import { whatsappChannel } from './features/channels/whatsapp/whatsapp.channel.js';
import type { WhatsAppService } from './features/channels/whatsapp/whatsapp.service.js';
import { widgetChannel } from './features/channels/widget/widget.channel.js';
import { InboundQueue } from './features/inbound/inbound-queue.service.js';
import { hashStoredProviderIds } from './features/vault/provider-id-conversion.js';
import { OutboxService } from './features/outbox/outbox.service.js';
import { LocalChannelSender } from './features/outbox/local.sender.js';
import { UserRepository } from './features/users/user.repository.js';
import { UserService } from './features/users/user.service.js';
import { KeyRepository } from './features/vault/key.repository.js';
import { KeyVault, resolveMasterKey, TRIAL_KEY_WARNING, type MasterKeySource } from './features/vault/key-vault.js';
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
import { inboundDeadLetterRoutes } from './features/inbound/inbound-queue.routes.js';
import { warmUpGuestParsers } from './features/leads/warm-up.js';
import { userRoutes } from './features/users/user.routes.js';
import { systemRoutes } from './features/system/system.routes.js';
import { pipelineRoutes } from './features/pipeline/pipeline.routes.js';
import { reportRoutes } from './features/reports/report.routes.js';
import { createTunnelProvider } from './features/tunnel/tunnel.factory.js';
import { TunnelManager } from './features/tunnel/tunnel.manager.js';
import { tunnelRoutes } from './features/tunnel/tunnel.routes.js';
import { reportMailRoutes } from './features/report-mail/report-mail.routes.js';
import { SetupProgressRepository } from './features/onboarding/setup-progress.repository.js';
import { setupProgressRoutes } from './features/onboarding/setup-progress.routes.js';
import { SetupProgressService } from './features/onboarding/setup-progress.service.js';
import { savedReplyRoutes } from './features/saved-replies/saved-reply.routes.js';
import { SavedReplyService } from './features/saved-replies/saved-reply.service.js';
import type { RouteDef } from './http/route.js';
import type { RouteGuard } from './http/router.js';
import { systemClock, type Clock } from './shared/clock.js';
import { DisposableStack } from './shared/disposables.js';
import type { Logger } from './shared/logger.js';
import type { RequestHandler, Router } from 'express';
import { projectRoot } from './shared/paths.js';

export interface CoreOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  /** Master key bytes handed over by the desktop shell. */
  providedKey?: Buffer;
  /**
   * Set when the listeners will run (`nocturn serve`): the configured tunnel is opened and, until
   * it has a URL, the public listener's own address is the public URL when none is configured.
   */
  serving?: { listenerUrl: () => string | undefined };
}

/** What the listeners serve: the staff API with its session and access checks, and the guest routers. */
export interface CoreHttp {
  routes: readonly RouteDef[];
  /** Middleware before the staff API routes (the session). */
  before: RequestHandler[];
  guard: RouteGuard;
  /** Mounted on the public listener, one per guest channel. */
  publicRouters: readonly Router[];
}

/**
 * Everything but the HTTP listeners: databases, keys and services, wired once. The CLI uses it
 * directly; the server puts listeners on top.
 */
export interface Core {
  config: Config;
  log: Logger;
  clock: Clock;
  version: string;
  databases: Databases;
  vault: KeyVault;
  keySource: MasterKeySource;
  metrics: HttpMetrics;
  readiness: Readiness;
  errors: ErrorRecorder;
  properties: PropertyService;
  audit: AuditService;
  users: UserService;
  auth: AuthService;
  ai: AiSwitchService;
  knowledge: KnowledgeService;
  events: EventBus;
  llm: LlmStack;
  pipeline: PipelineService;
  ledger: ConversationLedger;
  conversations: ConversationService;
  leads: LeadService;
  reports: ReportService;
  knowledgeGaps: KnowledgeGapService;
  reportScheduler: ReportScheduler;
  reportMail: ReportMailService;
  inboundQueue: InboundQueue;
  outbox: OutboxService;
  channels: ChannelBindingService;
  /** WhatsApp, email and the website widget, each wired the same way (features/channels/README.md). */
  guestChannels: readonly GuestChannel[];
  whatsapp: WhatsAppService;
  tunnel: TunnelManager;
  /** Where guests and providers reach the public listener (tunnel, NOCTURN_PUBLIC_URL, or its own address). */
  publicUrl: () => string | undefined;
  http: CoreHttp;
  privacy: PrivacyService;
  backups: BackupService;
  retention: RetentionService;
  keys: KeyRotation;
  dataKeys: DataKeyRotation;
  disposables: DisposableStack;
  /** Starts the background workers and the tunnel, once the public listener has its port. */
  start(listening: { publicPort: number }): void;
  close(): Promise<void>;
}

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function openCore(opts: CoreOptions): Core {
  const { config, log } = opts;
  const clock = opts.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const disposables = new DisposableStack();
  const databases = new Databases({ dataDir: config.dataDir, ...config.db });
  disposables.add('databases', () => databases.close());
  try {
    const keyRepo = new KeyRepository(databases.group);
    const { kek, source } = resolveMasterKey(
      { env: config.env, dataDir: config.dataDir, masterKey: config.masterKey, masterPassphrase: config.masterPassphrase, providedKey: opts.providedKey },
      keyRepo,
      log,
      clock,
    );
    const vault = new KeyVault(kek, keyRepo, clock);
    const metrics = new HttpMetrics();
    const readiness = new Readiness();
    const errors = new ErrorRecorder(new ErrorGroupRepository(databases.group), metrics, clock, log);
    const audit = new AuditService(new AuditRepository(databases.group), clock);
    const properties = new PropertyService(new PropertyRepository(databases.group), databases, vault, clock, audit);
    const inboundRepo = new InboundQueueRepository(databases.group);
    // Provider ids stored in plaintext by earlier versions become keyed hashes (once per hotel).
    for (const p of properties.list()) {
      const { rows } = hashStoredProviderIds(properties.scope(p.id), inboundRepo, clock.now().toISOString());
      if (rows) log.info({ propertyId: p.id, rows }, 'stored provider message ids converted to keyed hashes');
    }
    const users = new UserService(new UserRepository(databases.group), audit, (id) => properties.find(id)?.id === id, vault.groupCipher(), clock);
    const auth = new AuthService(new SessionRepository(databases.group), users, audit, config.auth, clock);
    const ai = new AiSwitchService(new AiSwitchRepository(databases.group), audit, clock);
    const kb = config.knowledge;
    const embedder = createEmbedder({ embedder: kb.embedder, embedModel: kb.embedModel, modelsDir: kb.modelsDir, ollamaHost: config.llm.ollama.host }, log);
    disposables.add('embedder', () => embedder.close());
    const knowledge = new KnowledgeService(properties, embedder, clock, log, { minSimilarity: kb.minSimilarity }, audit);
    disposables.add('knowledge indexing', () => knowledge.close());

    const events = new EventBus();
    const llm = createLlmStack(config.llm, {
      clock,
      log,
      budget: new SqliteBudgetStore((id) => databases.property(id)),
      onCall: (e) => metrics.llmCall(e),
      onBudget: (e) =>
        events.emit({ type: 'llm.budget', propertyId: e.propertyId, level: e.type === 'llm.budget.warning' ? 'warning' : 'exhausted', spentUsd: e.spentUsd, limitUsd: e.limitUsd, at: clock.now().toISOString() }),
    });
    const channels = new ChannelBindingService(new ChannelBindingRepository(databases.group), vault.groupCipher(), audit, clock);
    const d = config.delivery;
    // The one writer of conversations; it queues replies in the outbox, which records deliveries in it.
    const ledger = new ConversationLedger({ events, clock, sink: { enqueue: (scope, conversation, message) => outbox.enqueue(scope, conversation, message) } });
    const outbox = new OutboxService(properties, audit, ledger, clock, log, { maxAttempts: d.outboxMaxAttempts, baseDelayMs: d.retryBaseMs, maxDelayMs: 10 * 60_000, pollMs: 500 });
    outbox.register(new LocalChannelSender());
    disposables.add('outbox worker', () => outbox.stop());
    const knowledgeGaps = new KnowledgeGapService({ knowledge, audit, clock, log });
    const privacy = new PrivacyService(properties, inboundRepo, audit, clock, log, knowledgeGaps);
    const backups = new BackupService(databases, properties, () => vault.masterKey(), config.backup, audit, clock, log, appVersion());
    disposables.add('backups', () => backups.stop());
    const retention = new RetentionService(properties, audit, clock, log, { ...config.retention, batchSize: 500 });
    disposables.add('retention', () => retention.stop());
    const dataKeys = new DataKeyRotation(properties, vault, inboundRepo, audit, log);
    const keys: KeyRotation = {
      rotateMaster: (input) => {
        const next = input.newMasterKey ? { kek: Buffer.from(input.newMasterKey, 'base64'), kdfSalt: null } : deriveFromPassphrase(input.newPassphrase!);
        const counts = vault.rotateMaster(next);
        if (source === 'dev-key-file') writeFileSync(path.join(config.dataDir, 'master.key'), next.kek.toString('base64') + '\n', { mode: 0o600 });
        audit.record({ userId: null, role: 'system', label: 'key rotation', propertyIds: null }, { action: 'keys.rotate_master', after: counts });
        log.warn('master key rotated: set the new key (or passphrase) in the configuration before the next restart');
        return counts;
      },
    };
    const inboundQueue = new InboundQueue(inboundRepo, properties, clock, log, {
      maxAttempts: d.inboundMaxAttempts,
      baseDelayMs: d.retryBaseMs,
      maxDelayMs: 10 * 60_000,
      pollMs: 500,
      backlogCutoffMs: d.backlogCutoffMs,
      eventBudgetMs: d.inboundEventBudgetMs,
      maxInterruptions: d.inboundMaxInterruptions,
    });
    disposables.add('inbound queue worker', () => inboundQueue.stop());
    const pipeline = new PipelineService({ ai, retriever: new KnowledgeRetriever(knowledge), router: llm.router, ledger, clock, log });
    const { serving } = opts;
    const tunnel = new TunnelManager(serving ? createTunnelProvider(config.tunnel, log) : null, { log, clock });
    disposables.add('tunnel', () => tunnel.stop());
    const publicUrl = serving ? () => tunnel.url() ?? serving.listenerUrl() : () => config.public.url;
    const channelDeps: ChannelDeps = {
      config, channels, properties, inboundQueue, outbox, pipeline, ledger, ai, events, clock, log, publicUrl,
      atomic: (fn) => databases.group.transaction(fn).immediate(),
    };
    // Every guest channel is wired the same way: one line here adds one (features/channels/README.md).
    const whatsapp = whatsappChannel(channelDeps);
    const guestChannels: GuestChannel[] = [whatsapp, emailChannel(channelDeps), widgetChannel(channelDeps)];
    for (const channel of guestChannels) {
      inboundQueue.register(channel.name, channel.inbound);
      outbox.register(channel.sender);
      if (channel.close) disposables.add(`${channel.name} channel`, () => channel.close?.());
    }
    const conversations = new ConversationService(audit, ledger);
    const leads = new LeadService(audit, events, clock);
    // Reports keep their rollups current from the event bus, and make the scheduled reports.
    const reports = new ReportService({ properties, gaps: knowledgeGaps, leads, clock, log });
    const offReports = events.subscribe((e) => reports.onEvent(e));
    disposables.add('report rollups', () => {
      offReports();
      reports.close();
    });
    const reportMail = new ReportMailService({
      repo: new ReportMailRepository(databases.group),
      sender: new ReportMailSender(channels, config.emailApis),
      reports,
      users,
      clock,
      log,
    });
    const reportScheduler = new ReportScheduler(reports, properties, config.reports, log, 60_000, (scope, report) => {
      reportMail.deliver(scope, report).catch((err: unknown) => log.warn({ propertyId: scope.property.id, reportId: report.id, reason: (err as Error).message }, 'report e-mails failed'));
    });
    disposables.add('report scheduler', () => reportScheduler.stop());
    readiness.register({
      name: 'llm',
      critical: false,
      check: async () => {
        const health = await llm.router.health();
        return { ok: health.some((h) => h.ok), detail: { providers: health, fallback: 'knowledge-only answers or hand-off' } };
      },
    });

    readiness.register({
      name: 'database',
      critical: true,
      check: async () => {
        const { openPropertyDatabases, sqliteVec } = databases.check();
        return { ok: true, detail: { properties: properties.list().length, openPropertyDatabases, sqliteVec: sqliteVec ?? 'not loaded yet' } };
      },
    });
    readiness.register({
      name: 'ai',
      critical: false,
      check: async () => {
        const paused = ai.pausedScopes();
        return { ok: paused.length === 0, detail: paused.length ? { paused } : 'answering' };
      },
    });
    readiness.register({
      name: 'embedder',
      critical: false,
      check: async () => {
        // Reports without waiting for a model load; without a model, search is lexical only (C2 still holds).
        void embedder.ready();
        const e = embedder.status();
        const ok = e.state === 'ready' || e.state === 'disabled';
        return { ok, detail: { search: e.state === 'ready' ? 'hybrid' : 'lexical-only', embedder: e.name, state: e.state, ...(e.dimension ? { dimension: e.dimension } : {}), ...(e.detail ? { reason: e.detail } : {}) } };
      },
    });
    readiness.register({
      name: 'keys',
      critical: true,
      check: async () => ({ ok: true, detail: { masterKey: source }, ...(source === 'dev-key-file' ? { warning: TRIAL_KEY_WARNING } : {}) }),
    });

    if (serving) readiness.register(tunnel.readinessCheck());
    const version = appVersion();
    const probes = new Map(guestChannels.flatMap((c) => (c.check ? [[c.name, c.check] as const] : [])));
    const checks = new ChannelCheckService({ repo: new ChannelCheckRepository(databases.group), clock, log, probes });
    const setupProgress = new SetupProgressService(new SetupProgressRepository(databases.group), (id) => properties.find(id) !== undefined, clock);
    const routes: RouteDef[] = [
      ...authRoutes(auth, users, config.auth.idleTimeoutMinutes),
      ...userRoutes(users),
      ...auditRoutes(audit, config.pageLimitMax),
      ...propertyRoutes(properties),
      ...setupProgressRoutes(setupProgress, properties),
      ...knowledgeRoutes(knowledge, { importLimitBytes: config.knowledge.importLimitBytes, onShutdown: (fn) => events.onShutdown(fn) }),
      ...aiSwitchRoutes(ai, properties),
      ...conversationRoutes(conversations, leads, properties, (id) => users.record(id) !== undefined, config.pageLimitMax),
      ...outboxRoutes(outbox, properties, config.pageLimitMax),
      ...inboundDeadLetterRoutes(inboundQueue, properties, config.pageLimitMax),
      ...savedReplyRoutes(new SavedReplyService(audit, clock), properties),
      ...eventRoutes(events, {
        sessionLive: (res) => {
          const session = sessionOf(res);
          return session !== undefined && auth.isLive(session);
        },
      }),
      ...systemRoutes(errors, config.pageLimitMax, () => systemStatus({ config, version, readiness, properties, ai, inboundQueue, outbox, databases, errors })),
      ...inboxRoutes(conversations, properties, config.pageLimitMax),
      ...privacyRoutes(privacy, backups, keys, dataKeys),
      ...channelRoutes({ channels, properties, checks, publicUrl, webhookPaths: new Map(guestChannels.flatMap((c) => (c.webhookPath ? [[c.name, c.webhookPath] as const] : []))) }),
      ...guestChannels.flatMap((c) => c.routes),
      ...tunnelRoutes(tunnel),
      ...reportRoutes(reports, knowledgeGaps, (id) => properties.scope(id)),
      ...pipelineRoutes(pipeline, (id) => properties.scope(id), clock),
      ...reportMailRoutes(reportMail, properties),
    ];
    const http: CoreHttp = {
      routes,
      before: [loadSession(auth)],
      guard: accessGuard(auth, (key) => properties.find(key)),
      publicRouters: guestChannels.map((c) => c.publicRouter),
    };
    if (serving) warmUpGuestParsers();
    const start = ({ publicPort }: { publicPort: number }) => {
      knowledge.start();
      inboundQueue.start();
      outbox.start();
      tunnel.start({ port: publicPort });
      backups.start();
      retention.start();
      reportScheduler.start();
    };

    return {
      config,
      log,
      clock,
      version,
      databases,
      vault,
      keySource: source,
      metrics,
      readiness,
      errors,
      properties,
      audit,
      users,
      auth,
      ai,
      knowledge,
      events,
      llm,
      pipeline,
      ledger,
      conversations,
      leads,
      reports,
      knowledgeGaps,
      reportScheduler,
      reportMail,
      inboundQueue,
      outbox,
      channels,
      guestChannels,
      whatsapp: whatsapp.service,
      tunnel,
      publicUrl,
      http,
      privacy,
      backups,
      retention,
      keys,
      dataKeys,
      disposables,
      start,
      close: () => disposables.dispose((name, err) => log.error({ err, resource: name }, 'error while closing')),
    };
  } catch (err) {
    databases.close();
    throw err;
  }
}

