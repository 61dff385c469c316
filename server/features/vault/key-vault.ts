import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import type { Clock } from '../../shared/clock.js';
import { BlindIndex, DecryptionError, FieldCipher, openBytes, sealBytes } from './field-crypto.js';
import type { KeyRepository } from './key.repository.js';

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

export type MasterKeySource = 'env' | 'passphrase' | 'dev-key-file' | 'provided';

export interface MasterKeyInput {
  env: 'production' | 'development' | 'test';
  dataDir: string;
  masterKey?: string | undefined;
  masterPassphrase?: string | undefined;
  /** Raw key bytes handed over by the desktop shell (safeStorage), never via env or argv. */
  providedKey?: Buffer | undefined;
}

const CHECK_PLAINTEXT = Buffer.from('nocturn master key check v1');
const CHECK_AAD = Buffer.from('master_key_check');
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/**
 * Resolves the master key (KEK) and proves it is the one this data directory was created with.
 * Production refuses the development key file; development and tests create one with a loud warning.
 */
export function resolveMasterKey(
  input: MasterKeyInput,
  keys: KeyRepository,
  log: Logger,
  clock: Clock,
): { kek: Buffer; source: MasterKeySource } {
  const check = keys.masterCheck();
  let kek: Buffer;
  let source: MasterKeySource;
  let salt: Buffer | null = null;
  if (input.providedKey) {
    if (input.providedKey.length !== 32) throw new KeyError('the provided master key must be 32 bytes');
    kek = input.providedKey;
    source = 'provided';
  } else if (input.masterKey) {
    kek = Buffer.from(input.masterKey, 'base64');
    source = 'env';
  } else if (input.masterPassphrase) {
    salt = check?.kdf_salt ?? randomBytes(16);
    kek = scryptSync(input.masterPassphrase.normalize('NFKC'), salt, 32, SCRYPT);
    source = 'passphrase';
  } else {
    if (input.env === 'production') {
      throw new KeyError('production mode needs NOCTURN_MASTER_KEY or NOCTURN_MASTER_PASSPHRASE');
    }
    const file = path.join(input.dataDir, 'master.key');
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    }
    chmodSync(file, 0o600);
    kek = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (kek.length !== 32) throw new KeyError(`${file} does not hold a 32-byte base64 key`);
    source = 'dev-key-file';
    log.warn(
      { keyFile: file },
      '!!! DEVELOPMENT MASTER KEY: guest data is protected by a key file stored next to the data. Set NOCTURN_MASTER_KEY for real use. !!!',
    );
  }

  if (check) {
    try {
      openBytes(kek, check.check_value, CHECK_AAD);
    } catch (err) {
      if (err instanceof DecryptionError) {
        throw new KeyError('the master key does not open this data directory (wrong key or passphrase)');
      }
      throw err;
    }
  } else {
    keys.saveMasterCheck(salt, sealBytes(kek, 1, CHECK_PLAINTEXT, CHECK_AAD), clock.now().toISOString());
  }
  return { kek, source };
}

export interface PropertyCrypto {
  cipher: FieldCipher;
  blindIndex: BlindIndex;
}

/** Creates, unwraps and caches each property's data key and blind-index key. */
export class KeyVault {
  private readonly cache = new Map<string, PropertyCrypto>();

  constructor(
    private readonly kek: Buffer,
    private readonly keys: KeyRepository,
    private readonly clock: Clock,
  ) {}

  private aad(propertyId: string, version: number, kind: 'dek' | 'bidx'): Buffer {
    return Buffer.from(`property_keys\u0000${propertyId}\u0000${version}\u0000${kind}`);
  }

  /** Generates and stores (wrapped) the keys of a new property. Runs inside the caller's transaction. */
  createPropertyKeys(propertyId: string): void {
    const version = 1;
    this.keys.insertPropertyKeys(
      {
        property_id: propertyId,
        version,
        wrapped_dek: sealBytes(this.kek, 1, randomBytes(32), this.aad(propertyId, version, 'dek')),
        wrapped_bidx: sealBytes(this.kek, 1, randomBytes(32), this.aad(propertyId, version, 'bidx')),
      },
      this.clock.now().toISOString(),
    );
  }

  forProperty(propertyId: string): PropertyCrypto {
    const cached = this.cache.get(propertyId);
    if (cached) return cached;
    const rows = this.keys.propertyKeys(propertyId);
    if (rows.length === 0) throw new KeyError(`no keys for property ${propertyId}`);
    const deks = new Map<number, Buffer>();
    let current = rows[0]!;
    for (const row of rows) {
      deks.set(row.version, openBytes(this.kek, row.wrapped_dek, this.aad(propertyId, row.version, 'dek')));
      if (row.status === 'active' && row.version >= current.version) current = row;
    }
    const bidx = openBytes(this.kek, current.wrapped_bidx, this.aad(propertyId, current.version, 'bidx'));
    const crypto = { cipher: new FieldCipher(deks, current.version), blindIndex: new BlindIndex(bidx) };
    this.cache.set(propertyId, crypto);
    return crypto;
  }

  /** Encrypts group-level secrets (TOTP seeds, channel credentials) under a key derived from the master key. */
  groupCipher(): FieldCipher {
    const key = Buffer.from(hkdfSync('sha256', this.kek, Buffer.alloc(0), 'nocturn group fields v1', 32));
    return new FieldCipher(new Map([[1, key]]), 1);
  }

  forget(propertyId: string): void {
    this.cache.delete(propertyId);
  }
}
