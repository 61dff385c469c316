import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

export type Db = Database.Database;

interface OpenOptions {
  busyTimeoutMs: number;
  synchronous: 'FULL' | 'NORMAL';
  /** Load sqlite-vec and check it answers (property databases). */
  vector?: boolean;
  readonly?: boolean;
}

/** Opens a SQLite file with the pragmas every Nocturn database uses. */
export function openDatabase(file: string, opts: OpenOptions): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs)}`);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    }
    db.pragma('foreign_keys = ON');
    db.pragma('trusted_schema = OFF');
    if (!opts.readonly) db.pragma('secure_delete = ON'); // deleted guest data is overwritten, not left in free pages
    if (opts.vector) {
      // SQLite opens the extension itself, so in a packaged desktop app it must be the unpacked copy.
      db.loadExtension(sqliteVec.getLoadablePath().replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2'));
      vecVersion(db);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

type Statement = Database.Statement<unknown[], unknown>;
const STATEMENTS = new WeakMap<Db, Map<string, Statement>>();

/**
 * The connection's prepared statement for this SQL, compiled on first use. Repositories are made
 * per call, so without this every request would re-compile its queries. A caller that switches a
 * statement's mode (pluck, raw) must do so on every use of that SQL.
 */
export function prepared(db: Db, sql: string): Statement {
  let cache = STATEMENTS.get(db);
  if (!cache) STATEMENTS.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.prepare(sql)));
  return st;
}

/** The loaded sqlite-vec version; throws when the extension is not there. */
export function vecVersion(db: Db): string {
  const row = db.prepare('select vec_version() as v').get() as { v: string } | undefined;
  if (!row?.v) throw new Error('sqlite-vec did not load');
  return row.v;
}
