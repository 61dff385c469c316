import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The master key (KEK) of the desktop app: 32 random bytes generated on first run, stored only
 * wrapped by the OS keychain through Electron's safeStorage (Signal Desktop's approach). Where the
 * OS offers no real keychain (Linux `basic_text`) the key is refused unless an admin chose
 * passphrase mode; the passphrase is then handed to the server, which derives the key with scrypt
 * exactly as in headless mode, so the same data directory also opens with NOCTURN_MASTER_PASSPHRASE.
 */

/** The part of Electron's `safeStorage` this module uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export type KeyMode = 'keychain' | 'passphrase';

/** What the shell hands to the server by message. */
export type MasterKeyHandoff = { kind: 'key'; key: Buffer } | { kind: 'passphrase'; passphrase: string };

export type KeyStoreErrorCode =
  | 'keychain-unavailable'
  | 'insecure-keychain'
  | 'unwrap-failed'
  | 'corrupt-key-file'
  | 'mode-mismatch'
  | 'passphrase-missing'
  | 'passphrase-too-short';

/** A refusal the user must act on; the message says what to do. */
export class KeyStoreError extends Error {
  constructor(
    readonly code: KeyStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyStoreError';
  }
}

const wrappedKeyFile = z
  .object({
    version: z.literal(1),
    /** The safeStorage backend that wrapped it (Linux), or the platform's keychain. */
    backend: z.string().min(1).max(40),
    wrapped: z.string().min(1),
    createdAt: z.string(),
  })
  .strict();

export type WrappedKeyFile = z.infer<typeof wrappedKeyFile>;

/** Where the wrapped key lives (a file in Electron's userData in production). */
export interface WrappedKeyStore {
  readonly location: string;
  read(): WrappedKeyFile | undefined;
  /** Creates the file; never overwrites one (losing the wrapped key loses every hotel's data). */
  create(file: WrappedKeyFile): void;
}

export function fileWrappedKeyStore(file: string): WrappedKeyStore {
  return {
    location: file,
    read() {
      if (!existsSync(file)) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new KeyStoreError('corrupt-key-file', `${file} is not readable JSON (${(err as Error).message}). Restore it from a backup; do not delete it while the data directory holds guest data.`);
      }
      const result = wrappedKeyFile.safeParse(parsed);
      if (!result.success) {
        throw new KeyStoreError('corrupt-key-file', `${file} is not a Nocturn wrapped-key file. Restore it from a backup; do not delete it while the data directory holds guest data.`);
      }
      return result.data;
    },
    create(content) {
      if (existsSync(file)) throw new Error(`${file} already exists; refusing to overwrite a wrapped master key`);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      renameSync(tmp, file);
    },
  };
}

export interface ObtainKeyOptions {
  mode: KeyMode;
  safeStorage: SafeStorageLike;
  store: WrappedKeyStore;
  platform: NodeJS.Platform;
  /** Where an admin chooses passphrase mode (quoted in refusals so they are actionable). */
  settingsFile: string;
  /** Passphrase mode: asks the person at the machine; undefined when they cancel. */
  askPassphrase?: () => Promise<string | undefined>;
  random?: (bytes: number) => Buffer;
  now?: () => Date;
}

/** Linux backends that do not protect anything: `basic_text` uses a hard-coded password; `unknown` means none was selected. */
const INSECURE_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

function backendOf(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string {
  if (platform === 'linux') return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
  return platform === 'darwin' ? 'macos_keychain' : platform === 'win32' ? 'windows_dpapi' : platform;
}

function passphraseAlternative(settingsFile: string): string {
  return (
    `To run without a keychain, an admin can choose passphrase mode instead: put {"keyMode": "passphrase"} in ${settingsFile} ` +
    '(or start Nocturn with NOCTURN_DESKTOP_KEY_MODE=passphrase). Nocturn then asks for the passphrase at every start, and the same ' +
    'passphrase opens the data headless (NOCTURN_MASTER_PASSPHRASE).'
  );
}

function linuxKeyringAdvice(): string {
  return 'Install and unlock a secret service (GNOME Keyring through libsecret, or KWallet), then start Nocturn again; on desktops Electron does not recognise, start it with --password-store=gnome-libsecret (or kwallet5 / kwallet6).';
}

/** Returns the master key for this installation, creating and wrapping it on first run. */
export async function obtainMasterKey(opts: ObtainKeyOptions): Promise<MasterKeyHandoff> {
  const { safeStorage, store, platform } = opts;
  const existing = store.read();

  if (opts.mode === 'passphrase') {
    if (existing) {
      throw new KeyStoreError(
        'mode-mismatch',
        `Passphrase mode is selected, but this installation's data is protected by the key in ${store.location} (keychain mode). ` +
          `Switching modes does not re-encrypt existing data: remove "keyMode" from ${opts.settingsFile} to use the keychain again.`,
      );
    }
    const passphrase = await opts.askPassphrase?.();
    if (passphrase === undefined) {
      throw new KeyStoreError('passphrase-missing', 'Passphrase mode is selected and no passphrase was entered; Nocturn cannot open its data without it.');
    }
    if (passphrase.normalize('NFKC').length < 12) {
      throw new KeyStoreError('passphrase-too-short', 'The passphrase must be at least 12 characters long.');
    }
    return { kind: 'passphrase', passphrase };
  }

  if (!safeStorage.isEncryptionAvailable()) {
    const where = platform === 'linux' ? linuxKeyringAdvice() : 'Sign in to the operating system account that installed Nocturn (the keychain unlocks with it) and start Nocturn again.';
    throw new KeyStoreError(
      'keychain-unavailable',
      `Nocturn cannot ${existing ? 'unlock' : 'protect'} its master key: the operating system's keychain is not available. ${where} ${passphraseAlternative(opts.settingsFile)}`,
    );
  }
  const backend = backendOf(safeStorage, platform);
  if (platform === 'linux' && INSECURE_LINUX_BACKENDS.has(backend)) {
    throw new KeyStoreError(
      'insecure-keychain',
      `Nocturn refuses to store its master key with the "${backend}" keychain backend: it encrypts with a hard-coded password, so anyone who copies the files could read guest data. ` +
        `${linuxKeyringAdvice()} ${passphraseAlternative(opts.settingsFile)}`,
    );
  }

  if (existing) {
    let text: string;
    try {
      text = safeStorage.decryptString(Buffer.from(existing.wrapped, 'base64'));
    } catch (err) {
      const hint =
        existing.backend !== backend
          ? ` It was wrapped by the "${existing.backend}" keychain but this session uses "${backend}"; start Nocturn with --password-store=${existing.backend.replace('gnome_libsecret', 'gnome-libsecret')} or from the desktop session that created it.`
          : ' The keychain entry may have been reset; restore the keychain (or the whole user profile) from a backup.';
      throw new KeyStoreError('unwrap-failed', `The keychain could not unwrap the master key in ${store.location} (${(err as Error).message}).${hint}`);
    }
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32 || key.toString('base64') !== text) {
      throw new KeyStoreError('unwrap-failed', `The keychain unwrapped ${store.location}, but the result is not a 32-byte key; restore the file from a backup.`);
    }
    return { kind: 'key', key };
  }

  const key = (opts.random ?? randomBytes)(32);
  if (key.length !== 32) throw new Error('the random source must return 32 bytes');
  const encoded = key.toString('base64');
  const wrapped = safeStorage.encryptString(encoded);
  // Prove the round trip before the key protects anything.
  if (safeStorage.decryptString(wrapped) !== encoded) {
    throw new KeyStoreError('unwrap-failed', 'The keychain did not return the key it was given; Nocturn will not store guest data under it.');
  }
  store.create({ version: 1, backend, wrapped: wrapped.toString('base64'), createdAt: (opts.now?.() ?? new Date()).toISOString() });
  return { kind: 'key', key };
}
