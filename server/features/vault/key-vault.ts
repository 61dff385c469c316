import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import type { Clock } from '../../shared/clock.js';
import { BlindIndex, DecryptionError, FieldCipher, openBytes, sealBytes, type Slot } from './field-crypto.js';
import type { KeyRepository } from './key.repository.js';

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

export type MasterKeySource = 'env' | 'passphrase' | 'dev-key-file' | 'provided';

/** Said on the System screen and in `/ready` while the trial key file protects guest data. */
export const TRIAL_KEY_WARNING =
  'Guest data is protected by a trial key: the file master.key, kept in the data folder next to the data it protects, so anyone with a copy of that folder can read it. ' +
  'Set a real key: make one with "openssl rand -base64 32", keep it outside the data folder, switch to it with "nocturn keys rotate-master --new-key-stdin", ' +
  'put it in NOCTURN_MASTER_KEY (or use NOCTURN_MASTER_PASSPHRASE), delete master.key and restart. The desktop app keeps its key in the OS keychain instead.';

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

function groupCipherFor(kek: Buffer): FieldCipher {
  return new FieldCipher(new Map([[1, Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'nocturn group fields v1', 32))]]), 1);
}

/** A group cipher that always uses the vault's current master key. */
class GroupCipher extends FieldCipher {
  constructor(private readonly current: () => FieldCipher) {
    super(new Map([[1, Buffer.alloc(32)]]), 1);
  }
  override encrypt(plain: string, slot: Slot): Buffer {
    return this.current().encrypt(plain, slot);
  }
  override decrypt(sealed: Buffer, slot: Slot): string {
    return this.current().decrypt(sealed, slot);
  }
}

/** Derives a master key from a passphrase (scrypt) with a fresh or given salt. */
export function deriveFromPassphrase(passphrase: string, salt: Buffer = randomBytes(16)): { kek: Buffer; kdfSalt: Buffer } {
  return { kek: scryptSync(passphrase.normalize('NFKC'), salt, 32, SCRYPT), kdfSalt: salt };
}

export interface PropertyCrypto {
  cipher: FieldCipher;
  blindIndex: BlindIndex;
}

/** Creates, unwraps and caches each property's data key and blind-index key. */
export class KeyVault {
  private readonly cache = new Map<string, PropertyCrypto>();
  private group: FieldCipher;

  constructor(
    private kek: Buffer,
    private readonly keys: KeyRepository,
    private readonly clock: Clock,
  ) {
    this.group = groupCipherFor(kek);
  }

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

  /**
   * Encrypts group-level secrets (TOTP seeds, channel credentials) under a key derived from the
   * master key. The returned cipher follows a master-key rotation.
   */
  groupCipher(): FieldCipher {
    return new GroupCipher(() => this.group);
  }

  /** The master key in use and its passphrase salt, if any (backups derive their key from it). */
  masterKey(): { kek: Buffer; kdfSalt: Buffer | null } {
    return { kek: this.kek, kdfSalt: this.keys.masterCheck()?.kdf_salt ?? null };
  }

  /**
   * Rotates the master key without downtime: every wrapped data key, the key check and every
   * group secret is re-encrypted in one transaction, then the new key takes over in memory.
   * Afterwards the old key opens nothing.
   */
  rotateMaster(next: { kek: Buffer; kdfSalt: Buffer | null }): { propertyKeys: number; secrets: number } {
    const old = this.kek;
    const oldGroup = this.group;
    const newGroup = groupCipherFor(next.kek);
    const counts = this.keys.transaction(() => {
      const rows = this.keys.allPropertyKeys();
      for (const r of rows) {
        const dek = openBytes(old, r.wrapped_dek, this.aad(r.property_id, r.version, 'dek'));
        const bidx = openBytes(old, r.wrapped_bidx, this.aad(r.property_id, r.version, 'bidx'));
        this.keys.updateWrapped(r.property_id, r.version, sealBytes(next.kek, 1, dek, this.aad(r.property_id, r.version, 'dek')), sealBytes(next.kek, 1, bidx, this.aad(r.property_id, r.version, 'bidx')));
      }
      const secrets = this.keys.groupSecrets();
      for (const s of secrets) {
        const slot = { table: s.table, column: s.column, rowId: s.id };
        this.keys.updateGroupSecret(s.table, s.id, newGroup.encrypt(oldGroup.decrypt(s.value, slot), slot));
      }
      this.keys.replaceMasterCheck(next.kdfSalt, sealBytes(next.kek, 1, CHECK_PLAINTEXT, CHECK_AAD));
      return { propertyKeys: rows.length, secrets: secrets.length };
    });
    this.kek = next.kek;
    this.group = newGroup;
    return counts;
  }

  /** Adds a new data key version for a hotel (the blind-index key stays); older versions still decrypt. */
  addDataKeyVersion(propertyId: string): number {
    const rows = this.keys.propertyKeys(propertyId);
    const current = rows.at(-1);
    if (!current) throw new KeyError(`no keys for property ${propertyId}`);
    const version = current.version + 1;
    if (version > 255) throw new KeyError('no more key versions');
    const bidx = openBytes(this.kek, current.wrapped_bidx, this.aad(propertyId, current.version, 'bidx'));
    this.keys.transaction(() => {
      this.keys.insertPropertyKeys(
        {
          property_id: propertyId,
          version,
          wrapped_dek: sealBytes(this.kek, 1, randomBytes(32), this.aad(propertyId, version, 'dek')),
          wrapped_bidx: sealBytes(this.kek, 1, bidx, this.aad(propertyId, version, 'bidx')),
        },
        this.clock.now().toISOString(),
      );
      this.keys.retireOthers(propertyId, version);
    });
    this.cache.delete(propertyId);
    return version;
  }

  /** Destroys the retired data keys of a hotel once nothing is encrypted with them any more. */
  destroyRetiredKeys(propertyId: string): number {
    const n = this.keys.deleteRetired(propertyId);
    this.cache.delete(propertyId);
    return n;
  }

  /** Destroys every key of a hotel (offboarding): its data, in a backup too, can no longer be read. */
  destroyPropertyKeys(propertyId: string): number {
    const n = this.keys.deletePropertyKeys(propertyId);
    this.cache.delete(propertyId);
    return n;
  }

  forget(propertyId: string): void {
    this.cache.delete(propertyId);
  }
}
