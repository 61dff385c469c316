import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Databases } from '../../db/databases.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, ValidationError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import type { PropertyService } from '../properties/property.service.js';
import { ArchiveError, archiveKey, archiveSalt, readArchive, writeArchive, type ArchiveFile } from './backup-archive.js';
import { deriveFromPassphrase } from '../vault/key-vault.js';

interface BackupSettings {
  dir: string;
  keep: number;
  /** Hours between scheduled backups; 0 turns the schedule off. */
  intervalHours: number;
}

interface BackupInfo {
  file: string;
  bytes: number;
  createdAt: string;
}

/**
 * Encrypted online backups of every database (SQLite's backup API, so the appliance keeps
 * running), bundled with the wrapped keys that live in group.db — never the master key.
 */
export class BackupService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<BackupInfo> | undefined;

  constructor(
    private readonly databases: Pick<Databases, 'backupGroup' | 'backupProperty'>,
    private readonly properties: PropertyService,
    private readonly kek: () => { kek: Buffer; kdfSalt: Buffer | null },
    private readonly settings: BackupSettings,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly version: string,
  ) {}

  list(): BackupInfo[] {
    if (!existsSync(this.settings.dir)) return [];
    return readdirSync(this.settings.dir)
      .filter((f) => f.endsWith('.nocturn-backup'))
      .map((f) => {
        const st = statSync(path.join(this.settings.dir, f));
        return { file: f, bytes: st.size, createdAt: st.mtime.toISOString() };
      })
      .sort((a, b) => b.file.localeCompare(a.file));
  }

  /** One backup at a time; a second request while one runs gets the same result. */
  create(actor: Actor): Promise<BackupInfo> {
    this.running ??= this.run(actor).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(actor: Actor): Promise<BackupInfo> {
    mkdirSync(this.settings.dir, { recursive: true, mode: 0o700 });
    const stamp = this.clock.now().toISOString().replace(/[:.]/g, '-');
    const staging = path.join(os.tmpdir(), `nocturn-backup-${stamp}-${process.pid}`);
    mkdirSync(path.join(staging, 'properties'), { recursive: true, mode: 0o700 });
    try {
      const files: ArchiveFile[] = [];
      await this.databases.backupGroup(path.join(staging, 'group.db'));
      files.push({ name: 'group.db', source: path.join(staging, 'group.db') });
      for (const p of this.properties.list()) {
        const rel = `properties/${p.id}.db`;
        await this.databases.backupProperty(p.id, path.join(staging, rel));
        files.push({ name: rel, source: path.join(staging, rel) });
      }
      const name = `nocturn-${stamp}.nocturn-backup`;
      const partial = path.join(this.settings.dir, `${name}.partial`);
      const { kek, kdfSalt } = this.kek();
      await writeArchive(
        partial,
        archiveKey(kek),
        files,
        { format: 1, appVersion: this.version, createdAt: this.clock.now().toISOString(), databases: files.map((f) => f.name) },
        kdfSalt,
      );
      const final = path.join(this.settings.dir, name);
      renameSync(partial, final);
      this.prune();
      const info = { file: name, bytes: statSync(final).size, createdAt: this.clock.now().toISOString() };
      this.audit.record(actor, { action: 'backup.create', target: name, after: { bytes: info.bytes, databases: files.length } });
      this.log.info({ backup: name, bytes: info.bytes, databases: files.length }, 'backup written');
      return info;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  private prune(): void {
    for (const old of this.list().slice(this.settings.keep)) rmSync(path.join(this.settings.dir, old.file), { force: true });
  }

  start(): void {
    if (this.settings.intervalHours <= 0) return;
    const check = () => {
      const last = this.list()[0];
      const due = !last || this.clock.now().getTime() - Date.parse(last.createdAt) >= this.settings.intervalHours * 3_600_000;
      if (due) this.create({ userId: null, role: 'system', label: 'scheduled backup', propertyIds: null }).catch((err: unknown) => this.log.error({ err }, 'scheduled backup failed'));
    };
    this.timer = setInterval(check, 15 * 60_000);
    this.timer.unref();
    setTimeout(check, 60_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

/**
 * Restores an archive into an empty data directory. Checks the archive's tag (tampering or a
 * different master key is refused) and every file's hash before anything is moved into place.
 */
export function restoreBackup(archive: string, dataDir: string, key: Buffer | { passphrase: string }): { files: number } {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new ConflictError(`${dataDir} is not empty; restore only into an empty data directory`);
  if (!existsSync(archive)) throw new ValidationError(`no such backup file: ${archive}`);
  const staging = `${dataDir.replace(/\/$/, '')}.restoring-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  let kek: Buffer;
  if (Buffer.isBuffer(key)) kek = key;
  else {
    const salt = archiveSalt(archive);
    if (!salt) throw new ArchiveError('this backup was made with a master key, not a passphrase: set NOCTURN_MASTER_KEY');
    kek = deriveFromPassphrase(key.passphrase, salt).kek;
  }
  const { manifest, files } = readArchive(archive, archiveKey(kek), staging);
  const expected = (manifest.databases as string[] | undefined) ?? [];
  if (!files.some((f) => f.name === 'group.db') || expected.length !== files.length) {
    rmSync(staging, { recursive: true, force: true });
    throw new ArchiveError('the backup is incomplete');
  }
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (existsSync(dataDir)) rmSync(dataDir, { recursive: true });
  renameSync(staging, dataDir);
  return { files: files.length };
}
