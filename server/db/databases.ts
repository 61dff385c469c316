import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadMigrations, migrate, type Migration } from './migrate.js';
import { openDatabase, type Db } from './sqlite.js';

export interface DatabaseOptions {
  dataDir: string;
  busyTimeoutMs: number;
  synchronous: 'FULL' | 'NORMAL';
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

  constructor(private readonly opts: DatabaseOptions) {
    mkdirSync(path.join(opts.dataDir, 'properties'), { recursive: true, mode: 0o700 });
    this.propertyMigrations = loadMigrations('property');
    const group = openDatabase(path.join(opts.dataDir, 'group.db'), opts);
    try {
      migrate(group, loadMigrations('group'), 'group.db');
    } catch (err) {
      group.close();
      throw err;
    }
    this.group = group;
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
    this.properties.set(propertyId, db);
    return db;
  }

  openPropertyIds(): string[] {
    return [...this.properties.keys()];
  }

  closeProperty(propertyId: string): void {
    this.properties.get(propertyId)?.close();
    this.properties.delete(propertyId);
  }

  close(): void {
    for (const id of [...this.properties.keys()]) this.closeProperty(id);
    if (this.group.open) this.group.close();
  }
}
