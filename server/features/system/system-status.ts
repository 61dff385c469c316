import { statSync, statfsSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Databases } from '../../db/databases.js';
import type { AiSwitchService } from '../ai-switch/ai-switch.service.js';
import type { InboundQueue } from '../inbound/inbound-queue.service.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { PropertyService } from '../properties/property.service.js';
import type { ErrorRecorder, Readiness } from './system.service.js';

/** What the system screen reads, passed in by the composition root. */
interface SystemStatusDeps {
  config: { dataDir: string };
  version: string;
  readiness: Pick<Readiness, 'report'>;
  properties: Pick<PropertyService, 'list' | 'scope'>;
  ai: Pick<AiSwitchService, 'isPaused'>;
  inboundQueue: Pick<InboundQueue, 'counts' | 'failedCount'>;
  outbox: Pick<OutboxService, 'counts'>;
  databases: Pick<Databases, 'propertyFile'>;
  errors: Pick<ErrorRecorder, 'list'>;
}

/** Everything the admin's system screen shows, in one call. */
export async function systemStatus(core: SystemStatusDeps) {
  const ready = await core.readiness.report();
  const hotels = core.properties.list();
  const fileSize = (f: string) => {
    let total = 0;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(f + suffix)) total += statSync(f + suffix).size;
    return total;
  };
  const fs = statfsSync(core.config.dataDir);
  const backupsDir = path.join(core.config.dataDir, 'backups');
  const backups = existsSync(backupsDir)
    ? readdirSync(backupsDir)
        .map((f) => ({ file: f, at: statSync(path.join(backupsDir, f)).mtime.toISOString() }))
        .sort((a, b) => b.at.localeCompare(a.at))
    : [];
  return {
    ready: ready.ready,
    checks: ready.checks,
    version: core.version,
    uptimeSeconds: Math.round(process.uptime()),
    inboundQueue: core.inboundQueue.counts(),
    hotels: hotels.map((p) => {
      const scope = core.properties.scope(p.id);
      return {
        id: p.id,
        name: p.name,
        aiPaused: core.ai.isPaused(p.id),
        outbox: core.outbox.counts(scope),
        /** Inbound events that could not be processed (inbound dead letters). */
        inboundFailed: core.inboundQueue.failedCount(p.id),
        databaseBytes: fileSize(core.databases.propertyFile(p.id)),
      };
    }),
    errors: core.errors.list(20),
    disk: {
      dataDir: core.config.dataDir,
      groupDatabaseBytes: fileSize(path.join(core.config.dataDir, 'group.db')),
      freeBytes: fs.bavail * fs.bsize,
      totalBytes: fs.blocks * fs.bsize,
    },
    lastBackup: backups[0] ?? null,
  };
}
