import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadMigrations, migrate, type Migration } from './migrate.js';
import { bindConnection, type Transactional } from './handle.js';
import { openDatabase, vecVersion, type Db } from './sqlite.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, SQLITE_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer.js';

interface DatabaseOptions {
  dataDir: string;
  busyTimeoutMs: number;
  synchronous: 'FULL' | 'NORMAL';
  /** Where write-ahead-log checkpoints run: a worker thread (default; see WalCheckpointer), or inside commits. */
  checkpoints?: 'worker' | 'inline';
}

const PROPERTY_ID = /^prop_[A-Za-z0-9_-]{8,40}$/;

/**
 * Owns every SQLite connection: group.db and one file per hotel under properties/.
 * A hotel's file is opened (and migrated) on first use and kept open until close().
 */
export class Databases {
  readonly group: Db;
  private readonly properties = new Map<string, Db>();
  private readonly propertyMigrations: Migration[];
  private readonly checkpointer: WalCheckpointer | undefined;

  constructor(private readonly opts: DatabaseOptions) {
    mkdirSync(path.join(opts.dataDir, 'properties'), { recursive: true, mode: 0o700 });
    this.propertyMigrations = loadMigrations('property');
    const file = path.join(opts.dataDir, 'group.db');
    const group = openDatabase(file, opts);
    try {
      migrate(group, loadMigrations('group'), 'group.db');
    } catch (err) {
      group.close();
      throw err;
    }
    this.group = group;
    if ((opts.checkpoints ?? 'worker') === 'worker') {
      this.checkpointer = new WalCheckpointer({ synchronous: opts.synchronous, onFailure: () => this.checkpointInline() });
      this.checkpointOffThread(group, file);
    }
  }

  private checkpointOffThread(db: Db, file: string): void {
    if (!this.checkpointer?.running) return;
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.checkpointer.add(file);
  }

  /** Without the worker, every open connection checkpoints inside its commits again (SQLite's default). */
  private checkpointInline(): void {
    for (const db of [this.group, ...this.properties.values()]) if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }

  propertyFile(propertyId: string): string {
    if (!PROPERTY_ID.test(propertyId)) throw new Error('invalid property id');
    return path.join(this.opts.dataDir, 'properties', `${propertyId}.db`);
  }

  /** The hotel's own database, migrated, with sqlite-vec loaded. */
  property(propertyId: string): Db {
    const open = this.properties.get(propertyId);
    if (open) return open;
    const file = this.propertyFile(propertyId);
    const db = openDatabase(file, { ...this.opts, vector: true });
    try {
      migrate(db, this.propertyMigrations, `properties/${propertyId}.db`);
    } catch (err) {
      db.close();
      throw err;
    }
    this.checkpointOffThread(db, file);
    this.properties.set(propertyId, db);
    return db;
  }

  /** Opens (and migrates) the hotel's file if it is not open yet. */
  openProperty(propertyId: string): void {
    this.property(propertyId);
  }

  /** Makes `owner` a handle on the hotel's database: service code runs transactions on it, repositories reach the connection. */
  bindProperty<T extends object>(propertyId: string, owner: T): T & Transactional {
    return bindConnection(owner, this.property(propertyId));
  }

  /** Closes the hotel's database and deletes its file (with its -wal and -shm). */
  removeProperty(propertyId: string): void {
    this.closeProperty(propertyId);
    const file = this.propertyFile(propertyId);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }

  /** A consistent copy of group.db at `dest`, taken while the appliance keeps running. */
  async backupGroup(dest: string): Promise<void> {
    await this.group.backup(dest);
  }

  /** A consistent copy of the hotel's database at `dest`. */
  async backupProperty(propertyId: string, dest: string): Promise<void> {
    await this.property(propertyId).backup(dest);
  }

  /** Throws when group.db does not answer; reports the open hotel files and the sqlite-vec version (for readiness). */
  check(): { openPropertyDatabases: number; sqliteVec: string | undefined } {
    this.group.prepare('select 1').get();
    const open = this.openPropertyIds();
    return { openPropertyDatabases: open.length, sqliteVec: open[0] ? vecVersion(this.property(open[0])) : undefined };
  }

  openPropertyIds(): string[] {
    return [...this.properties.keys()];
  }

  /** Closes the hotel's file (the worker's connection first), so it can be moved or deleted. */
  closeProperty(propertyId: string): void {
    const db = this.properties.get(propertyId);
    if (!db) return;
    this.checkpointer?.release(this.propertyFile(propertyId));
    db.close();
    this.properties.delete(propertyId);
  }

  close(): void {
    this.checkpointer?.stop();
    for (const id of [...this.properties.keys()]) this.closeProperty(id);
    if (this.group.open) this.group.close();
  }
}

/** What the property service needs of the databases: a hotel's file opened, bound to its scope, removed. */
export type PropertyFiles = Pick<Databases, 'openProperty' | 'bindProperty' | 'removeProperty'>;
