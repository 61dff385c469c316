import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Databases } from '../../db/databases.js';
import { systemClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { KeyRepository } from './key.repository.js';
import { KeyError, KeyVault, resolveMasterKey, type MasterKeyInput } from './key-vault.js';
import { Writable } from 'node:stream';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-keys-'));
  dirs.push(dataDir);
  const lines: string[] = [];
  const log = createLogger({ level: 'warn', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) as never });
  return { dataDir, log, lines };
}

function resolveIn(dataDir: string, input: Partial<MasterKeyInput>, log: ReturnType<typeof createLogger>) {
  const dbs = new Databases({ dataDir, busyTimeoutMs: 1000, synchronous: 'FULL' });
  try {
    return resolveMasterKey({ env: 'test', dataDir, ...input }, new KeyRepository(dbs.group), log, systemClock);
  } finally {
    dbs.close();
  }
}

describe('master key', () => {
  it('creates a development key file (0600) with a loud warning, and reuses it', () => {
    const { dataDir, log, lines } = setup();
    const first = resolveIn(dataDir, {}, log);
    expect(first.source).toBe('dev-key-file');
    expect(statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(lines.join('')).toMatch(/DEVELOPMENT MASTER KEY/);
    expect(resolveIn(dataDir, {}, log).kek.equals(first.kek)).toBe(true);
  });

  it('refuses the development key file in production', () => {
    const { dataDir, log } = setup();
    expect(() => resolveIn(dataDir, { env: 'production' }, log)).toThrow(KeyError);
    expect(existsSync(path.join(dataDir, 'master.key'))).toBe(false);
  });

  it('detects a wrong key or passphrase for an existing data directory', () => {
    const { dataDir, log } = setup();
    const key = randomBytes(32).toString('base64');
    resolveIn(dataDir, { masterKey: key }, log);
    expect(resolveIn(dataDir, { masterKey: key }, log).source).toBe('env');
    expect(() => resolveIn(dataDir, { masterKey: randomBytes(32).toString('base64') }, log)).toThrow(/does not open this data directory/);

    const other = setup();
    resolveIn(other.dataDir, { masterPassphrase: 'correct horse battery staple' }, log);
    expect(resolveIn(other.dataDir, { masterPassphrase: 'correct horse battery staple' }, log).source).toBe('passphrase');
    expect(() => resolveIn(other.dataDir, { masterPassphrase: 'wrong horse battery staple' }, log)).toThrow(KeyError);
  });
});

describe('property keys', () => {
  it('wraps each hotel key under the master key and opens them again after a restart', () => {
    const { dataDir, log } = setup();
    const key = randomBytes(32);
    const open = () => {
      const dbs = new Databases({ dataDir, busyTimeoutMs: 1000, synchronous: 'FULL' });
      const repo = new KeyRepository(dbs.group);
      const { kek } = resolveMasterKey({ env: 'test', dataDir, providedKey: key }, repo, log, systemClock);
      return { dbs, vault: new KeyVault(kek, repo, systemClock) };
    };
    const first = open();
    first.dbs.group
      .prepare("insert into properties (id, slug, name, timezone, desk_hours, created_at, updated_at) values ('prop_aaaaaaaaaaaa', 'a1', 'A', 'UTC', '{}', 'x', 'x')")
      .run();
    first.vault.createPropertyKeys('prop_aaaaaaaaaaaa');
    const slot = { table: 'guests', column: 'name', rowId: 'g1' };
    const sealed = first.vault.forProperty('prop_aaaaaaaaaaaa').cipher.encrypt('Nurul', slot);
    first.dbs.close();

    const second = open();
    expect(second.vault.forProperty('prop_aaaaaaaaaaaa').cipher.decrypt(sealed, slot)).toBe('Nurul');
    expect(() => second.vault.forProperty('prop_missing00000')).toThrow(/no keys/);
    second.dbs.close();
  });
});
