import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileWrappedKeyStore, KeyStoreError, obtainMasterKey, type ObtainKeyOptions, type SafeStorageLike } from './key-store.js';

/** Stands in for Electron's safeStorage: AES-GCM under a secret only "the keychain" holds. */
class FakeKeychain implements SafeStorageLike {
  encryptCalls = 0;
  decryptCalls = 0;
  constructor(
    public secret: Buffer = randomBytes(32),
    public available = true,
    public backend: string | undefined = 'gnome_libsecret',
  ) {}
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  get getSelectedStorageBackend(): (() => string) | undefined {
    const backend = this.backend;
    return backend === undefined ? undefined : () => backend;
  }
  encryptString(plain: string): Buffer {
    this.encryptCalls++;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.secret, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  decryptString(enc: Buffer): string {
    this.decryptCalls++;
    const d = createDecipheriv('aes-256-gcm', this.secret, enc.subarray(0, 12));
    d.setAuthTag(enc.subarray(12, 28));
    return Buffer.concat([d.update(enc.subarray(28)), d.final()]).toString('utf8');
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(keychain = new FakeKeychain(), overrides: Partial<ObtainKeyOptions> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-keys-'));
  dirs.push(dir);
  const file = path.join(dir, 'master-key.json');
  const opts = (more: Partial<ObtainKeyOptions> = {}): ObtainKeyOptions => ({
    mode: 'keychain',
    safeStorage: keychain,
    store: fileWrappedKeyStore(file),
    platform: 'linux',
    settingsFile: path.join(dir, 'desktop.json'),
    ...overrides,
    ...more,
  });
  return { dir, file, keychain, opts };
}

async function refusal(p: Promise<unknown>): Promise<KeyStoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyStoreError);
  return err as KeyStoreError;
}

describe('master key through the OS keychain', () => {
  it('first run generates 32 random bytes and stores only the wrapped form, readable by the user alone', async () => {
    const { file, keychain, opts } = setup();
    const handoff = await obtainMasterKey(opts());
    expect(handoff.kind).toBe('key');
    const key = (handoff as { key: Buffer }).key;
    expect(key).toHaveLength(32);
    expect(keychain.encryptCalls).toBe(1);

    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(key.toString('base64'));
    expect(stored).not.toContain(key.toString('hex'));
    expect(JSON.parse(stored)).toMatchObject({ version: 1, backend: 'gnome_libsecret' });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('later runs unwrap the same key and never generate a new one', async () => {
    const { keychain, opts } = setup();
    const first = await obtainMasterKey(opts());
    const second = await obtainMasterKey(opts({ random: () => Buffer.alloc(32, 7) }));
    expect(second).toEqual(first);
    expect(keychain.encryptCalls).toBe(1);
  });

  it('works on macOS and Windows, which have no Linux backend to report', async () => {
    const { opts } = setup(new FakeKeychain(randomBytes(32), true, undefined));
    for (const platform of ['darwin', 'win32'] as const) {
      const handoff = await obtainMasterKey(opts({ platform, store: fileWrappedKeyStore(path.join(setup().dir, 'k.json')) }));
      expect(handoff.kind).toBe('key');
    }
  });

  it('refuses with an actionable message when the keychain is unavailable, and stores nothing', async () => {
    const { file, opts } = setup(new FakeKeychain(randomBytes(32), false));
    const err = await refusal(obtainMasterKey(opts()));
    expect(err.code).toBe('keychain-unavailable');
    expect(err.message).toMatch(/keychain is not available/);
    expect(err.message).toMatch(/GNOME Keyring|KWallet/);
    // The way out is named: passphrase mode, and where to choose it.
    expect(err.message).toContain('"keyMode": "passphrase"');
    expect(err.message).toContain(opts().settingsFile);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses the Linux basic_text store (a hard-coded password) and an undetermined backend', async () => {
    for (const backend of ['basic_text', 'unknown']) {
      const { file, keychain, opts } = setup(new FakeKeychain(randomBytes(32), true, backend));
      const err = await refusal(obtainMasterKey(opts()));
      expect(err.code).toBe('insecure-keychain');
      expect(err.message).toContain(`"${backend}"`);
      expect(err.message).toContain('--password-store=gnome-libsecret');
      expect(err.message).toContain('NOCTURN_DESKTOP_KEY_MODE=passphrase');
      expect(keychain.encryptCalls).toBe(0);
      expect(existsSync(file)).toBe(false);
    }
  });

  it('accepts basic_text machines in passphrase mode: the passphrase goes to the server, the keychain is not used', async () => {
    const { file, keychain, opts } = setup(new FakeKeychain(randomBytes(32), true, 'basic_text'));
    const handoff = await obtainMasterKey(opts({ mode: 'passphrase', askPassphrase: async () => 'correct horse battery staple' }));
    expect(handoff).toEqual({ kind: 'passphrase', passphrase: 'correct horse battery staple' });
    expect(keychain.encryptCalls + keychain.decryptCalls).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('passphrase mode: a cancelled or short passphrase is refused', async () => {
    const { opts } = setup();
    expect((await refusal(obtainMasterKey(opts({ mode: 'passphrase', askPassphrase: async () => undefined })))).code).toBe('passphrase-missing');
    expect((await refusal(obtainMasterKey(opts({ mode: 'passphrase', askPassphrase: async () => 'short' })))).code).toBe('passphrase-too-short');
  });

  it('passphrase mode on data protected by a keychain key says modes do not convert data', async () => {
    const { opts } = setup();
    await obtainMasterKey(opts());
    const err = await refusal(obtainMasterKey(opts({ mode: 'passphrase', askPassphrase: async () => 'correct horse battery staple' })));
    expect(err.code).toBe('mode-mismatch');
  });

  it('a keychain that cannot unwrap the stored key is an error, and the stored key is kept', async () => {
    const { file, keychain, opts } = setup();
    await obtainMasterKey(opts());
    const before = readFileSync(file, 'utf8');
    keychain.secret = randomBytes(32); // the keychain entry was reset
    const err = await refusal(obtainMasterKey(opts()));
    expect(err.code).toBe('unwrap-failed');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('names the keychain backend that wrapped the key when the session uses another', async () => {
    const { keychain, opts } = setup();
    await obtainMasterKey(opts());
    keychain.secret = randomBytes(32);
    keychain.backend = 'kwallet6';
    const err = await refusal(obtainMasterKey(opts()));
    expect(err.message).toContain('"gnome_libsecret"');
    expect(err.message).toContain('--password-store=gnome-libsecret');
  });

  it('a damaged key file is reported, not replaced', async () => {
    const { file, opts } = setup();
    writeFileSync(file, '{"version": 1, "wrapped": ');
    expect((await refusal(obtainMasterKey(opts()))).code).toBe('corrupt-key-file');
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    expect((await refusal(obtainMasterKey(opts()))).code).toBe('corrupt-key-file');
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ hello: 'world' }));
  });

  it('the file store never overwrites an existing wrapped key', () => {
    const { file } = setup();
    const store = fileWrappedKeyStore(file);
    store.create({ version: 1, backend: 'x', wrapped: 'AAAA', createdAt: new Date(0).toISOString() });
    expect(() => store.create({ version: 1, backend: 'x', wrapped: 'BBBB', createdAt: new Date(0).toISOString() })).toThrow(/refusing to overwrite/);
    expect(store.read()?.wrapped).toBe('AAAA');
  });
});
