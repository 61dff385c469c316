import type { Db } from './sqlite.js';

/**
 * What service code holds of a database: the right to run work in one transaction. The
 * connection itself stays behind it, reachable only through `connectionOf`, which only
 * repositories and server/db may import (eslint.config.js), so SQL lives in repositories.
 */
export interface Transactional {
  /** Runs `fn` in one transaction (nested calls become savepoints) and returns its result. */
  transaction<T>(fn: () => T): T;
  /** Copies the write-ahead log into the database file and empties it, so deleted rows leave no copy there. */
  checkpoint(): void;
}

const CONNECTIONS = new WeakMap<object, Db>();

/** Makes `owner` a handle on `db`: it gains transaction() and checkpoint(); repositories reach `db` through it. */
export function bindConnection<T extends object>(owner: T, db: Db): T & Transactional {
  const bound = Object.assign(owner, {
    transaction: <R>(fn: () => R): R => db.transaction(fn)(),
    checkpoint: (): void => void db.pragma('wal_checkpoint(TRUNCATE)'),
  });
  CONNECTIONS.set(bound, db);
  return bound;
}

/** The connection behind a handle. For repositories (and tests) only. */
export function connectionOf(owner: Pick<Transactional, 'transaction'>): Db {
  const db = CONNECTIONS.get(owner);
  if (!db) throw new Error('this object is not bound to a database connection');
  return db;
}
