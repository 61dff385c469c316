import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './sqlite.js';

type SchemaName = 'group' | 'property';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const migrationsRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Numbered SQL files `NNNN_name.sql` of one schema, in order; gaps and duplicates are errors. */
export function loadMigrations(schema: SchemaName, dir = path.join(migrationsRoot, schema)): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((f) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(f);
    if (!m) throw new MigrationError(`bad migration file name ${schema}/${f} (expected NNNN_name.sql)`);
    return { version: Number(m[1]), name: m[2]!, sql: readFileSync(path.join(dir, f), 'utf8') };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migration ${schema}/${m.version} out of sequence (expected ${i + 1})`);
  });
  return migrations;
}

/**
 * First line of a migration that rebuilds a table other tables reference (to change a CHECK
 * constraint, say). SQLite's documented procedure runs it with foreign keys off - dropping the old
 * table would otherwise cascade into its children - and checks every foreign key before commit.
 */
const REBUILDS_TABLES = '-- nocturn: rebuilds tables';

/**
 * Applies pending migrations, each in its own transaction, recording the version in
 * `user_version`. A database newer than this build is refused rather than touched.
 */
export function migrate(db: Db, migrations: Migration[], label: string): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length;
  if (from > latest) {
    throw new MigrationError(
      `${label} is at schema version ${from}, newer than this Nocturn build knows (${latest}); refusing to open it. Install the newer Nocturn version or restore a backup.`,
    );
  }
  for (const m of migrations.slice(from)) {
    const rebuild = m.sql.startsWith(REBUILDS_TABLES);
    const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
    // The pragma is a no-op inside a transaction, so it is switched around the migration's own.
    if (rebuild && enforced) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (rebuild) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new MigrationError(`migration ${label} ${m.version}_${m.name} left ${broken.length} broken foreign keys; rolled back`);
        }
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (rebuild && enforced) db.pragma('foreign_keys = ON');
    }
  }
  return { from, to: latest };
}
