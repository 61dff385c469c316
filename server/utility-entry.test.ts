import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveShellPort, type EntryReply, type ShellPort, type UtilityEntry } from './utility-entry.js';

/** The shell's end of the channel, in memory. */
function memoryPort() {
  let deliver: ((data: unknown) => void) | undefined;
  let disconnect: (() => void) | undefined;
  const replies: EntryReply[] = [];
  const waiters: (() => void)[] = [];
  let consumed = 0;
  const port: ShellPort = {
    onMessage: (l) => (deliver = l),
    postMessage: async (m) => {
      replies.push(m);
      waiters.splice(0).forEach((w) => w());
    },
    onDisconnect: (l) => (disconnect = l),
  };
  return {
    port,
    replies,
    send: (data: unknown) => deliver!(data),
    disconnect: () => disconnect!(),
    /** The next reply not yet read (it may have arrived already). */
    nextReply: async (): Promise<EntryReply> => {
      while (replies.length <= consumed) await new Promise<void>((r) => waiters.push(r));
      return replies[consumed++]!;
    },
  };
}

/** Lets the entry run its continuation after a reply (it exits once the reply is handed over). */
const settle = () => new Promise((r) => setImmediate(r));

const dirs: string[] = [];
const entries: UtilityEntry[] = [];
afterEach(async () => {
  await Promise.all(entries.splice(0).map((e) => e.stop('test over')));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-entry-'));
  dirs.push(dataDir);
  const exits: number[] = [];
  const shell = memoryPort();
  const entry = serveShellPort(shell.port, {
    env: { NOCTURN_ENV: 'production', NOCTURN_STAFF_PORT: '0', NOCTURN_PUBLIC_PORT: '0', NOCTURN_SERVE_UI: 'false', NOCTURN_LOG_LEVEL: 'silent', ...env },
    exit: (code) => exits.push(code),
  });
  entries.push(entry);
  return { dataDir, exits, shell, entry };
}

describe('desktop server entry (utility process protocol)', () => {
  it('starts a real server with the key from the start message, answers /health, and stops with exit 0', async () => {
    const { dataDir, exits, shell, entry } = setup();
    const key = randomBytes(32).toString('base64');
    const envBefore = { ...process.env };
    shell.send({ type: 'start', dataDir, masterKey: key });
    const ready = await shell.nextReply();
    expect(ready).toMatchObject({ type: 'ready', staffUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), publicUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect((ready as { setupToken?: string }).setupToken).toEqual(expect.any(String)); // first run: no staff account yet

    const { staffUrl, publicUrl } = ready as { staffUrl: string; publicUrl: string };
    for (const url of [staffUrl, publicUrl]) {
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    }
    // Production mode accepted the handed-over key; /ready reports where it came from.
    const readiness = (await (await fetch(`${staffUrl}/ready`)).json()) as { checks: { keys: { detail: { masterKey: string } } } };
    expect(readiness.checks.keys.detail.masterKey).toBe('provided');
    expect(existsSync(path.join(dataDir, 'group.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'master.key'))).toBe(false);
    // The key never entered this process's environment.
    expect(process.env).toEqual(envBefore);

    shell.send({ type: 'stop' });
    await entry.stop('await the stop in progress');
    expect(exits).toEqual([0]);
    await expect(fetch(`${staffUrl}/health`)).rejects.toThrow();
  });

  it('opens the data again only with the same key', async () => {
    const first = setup();
    const key = randomBytes(32).toString('base64');
    first.shell.send({ type: 'start', dataDir: first.dataDir, masterKey: key });
    expect(await first.shell.nextReply()).toMatchObject({ type: 'ready' });
    await first.entry.stop('done');

    const second = setup();
    second.shell.send({ type: 'start', dataDir: first.dataDir, masterKey: randomBytes(32).toString('base64') });
    expect(await second.shell.nextReply()).toEqual({ type: 'error', message: expect.stringMatching(/does not open this data directory/) });
    await settle();
    expect(second.exits).toEqual([1]);
  });

  it('accepts a passphrase instead of a key', async () => {
    const { dataDir, shell } = setup();
    shell.send({ type: 'start', dataDir, masterPassphrase: 'correct horse battery staple' });
    const ready = (await shell.nextReply()) as { type: string; staffUrl: string };
    expect(ready.type).toBe('ready');
    const readiness = (await (await fetch(`${ready.staffUrl}/ready`)).json()) as { checks: { keys: { detail: { masterKey: string } } } };
    expect(readiness.checks.keys.detail.masterKey).toBe('passphrase');
  });

  it('answers an invalid start message with an error that does not echo it, and exits 1', async () => {
    const { dataDir, shell, exits } = setup();
    const shortKey = randomBytes(16).toString('base64');
    shell.send({ type: 'start', dataDir, masterKey: shortKey });
    const reply = await shell.nextReply();
    expect(reply).toMatchObject({ type: 'error', message: expect.stringMatching(/invalid start message: masterKey: must be 32 bytes/) });
    expect(JSON.stringify(reply)).not.toContain(shortKey);
    await settle();
    expect(exits).toEqual([1]);
  });

  it('refuses a start message with both a key and a passphrase, or neither', async () => {
    for (const extra of [{ masterKey: randomBytes(32).toString('base64'), masterPassphrase: 'correct horse battery staple' }, {}]) {
      const { dataDir, shell } = setup();
      shell.send({ type: 'start', dataDir, ...extra });
      expect(await shell.nextReply()).toMatchObject({ type: 'error', message: expect.stringContaining('exactly one of masterKey and masterPassphrase') });
    }
  });

  it('reports a configuration error from the environment', async () => {
    const { dataDir, shell } = setup({ NOCTURN_STAFF_PORT: 'not-a-port' });
    shell.send({ type: 'start', dataDir, masterKey: randomBytes(32).toString('base64') });
    expect(await shell.nextReply()).toMatchObject({ type: 'error', message: expect.stringContaining('NOCTURN_STAFF_PORT') });
  });

  it('a stop that arrives during start-up closes the server once it is up', async () => {
    const { dataDir, shell, exits, entry } = setup();
    shell.send({ type: 'start', dataDir, masterKey: randomBytes(32).toString('base64') });
    shell.send({ type: 'stop' });
    await entry.stop('waiting');
    expect(exits).toEqual([0]);
    expect(shell.replies).toEqual([]); // never announced ready
    expect(entry.server()).toBeUndefined();
  });

  it('ignores unknown messages and a second start; stops when the shell disconnects', async () => {
    const { dataDir, shell, exits, entry } = setup();
    shell.send({ type: 'hello' });
    shell.send('garbage');
    shell.send({ type: 'start', dataDir, masterKey: randomBytes(32).toString('base64') });
    expect(await shell.nextReply()).toMatchObject({ type: 'ready' });
    shell.send({ type: 'start', dataDir, masterKey: randomBytes(32).toString('base64') });
    expect(shell.replies).toHaveLength(1);
    shell.disconnect();
    await entry.stop('waiting');
    expect(exits).toEqual([0]);
  });
});
