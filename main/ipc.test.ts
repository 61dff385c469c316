import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BRIDGE_CHANNELS, BridgeRejected, registerBridge, type BridgeEvent, type IpcMainLike } from './ipc.js';
import { PASSPHRASE_CHANNEL } from './passphrase-prompt.js';

const STAFF = 'http://127.0.0.1:4310';

function bridge(opts: { now?: () => number } = {}) {
  const handlers = new Map<string, (event: BridgeEvent, ...args: unknown[]) => unknown>();
  const ipc: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) };
  const notified: string[] = [];
  const opened: string[] = [];
  registerBridge(ipc, {
    staffOrigin: () => STAFF,
    notify: (title, body) => notified.push(`${title}: ${body}`),
    appVersion: () => '0.1.0',
    openExternal: async (url) => void opened.push(url),
    allowedExternalHosts: ['wa.me'],
    notificationsPerMinute: 3,
    ...opts,
  });
  const invoke = async (channel: string, event: BridgeEvent, ...args: unknown[]) => handlers.get(channel)!(event, ...args);
  return { handlers, invoke, notified, opened };
}

const fromStaff: BridgeEvent = { senderFrame: { url: `${STAFF}/inbox`, parent: null } };

describe('preload bridge handlers', () => {
  it('serve the staff page', async () => {
    const b = bridge();
    expect(await b.invoke(BRIDGE_CHANNELS.notify, fromStaff, { title: 'Guest needs a person', body: 'Harbour View: a question about parking' })).toBe(true);
    expect(b.notified).toEqual(['Guest needs a person: Harbour View: a question about parking']);
    expect(await b.invoke(BRIDGE_CHANNELS.appVersion, fromStaff)).toBe('0.1.0');
    expect(await b.invoke(BRIDGE_CHANNELS.openExternal, fromStaff, { url: 'https://wa.me/60123456789' })).toBe(true);
    expect(b.opened).toEqual(['https://wa.me/60123456789']);
  });

  it('refuse any other sender: another origin, an embedded frame, or no frame', async () => {
    const b = bridge();
    const others: BridgeEvent[] = [
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: 'http://127.0.0.1:4311/widget/x', parent: null } },
      { senderFrame: { url: `${STAFF}/embedded`, parent: {} } },
      { senderFrame: null },
    ];
    for (const event of others) {
      for (const channel of Object.values(BRIDGE_CHANNELS)) {
        await expect(b.invoke(channel, event, { title: 't', body: 'b', url: 'https://wa.me/' })).rejects.toThrow(BridgeRejected);
      }
    }
    expect(b.notified).toEqual([]);
    expect(b.opened).toEqual([]);
  });

  it('parse their arguments', async () => {
    const b = bridge();
    await expect(b.invoke(BRIDGE_CHANNELS.notify, fromStaff, { title: '', body: 'x' })).rejects.toThrow();
    await expect(b.invoke(BRIDGE_CHANNELS.notify, fromStaff, { title: 'x'.repeat(121), body: 'x' })).rejects.toThrow();
    await expect(b.invoke(BRIDGE_CHANNELS.notify, fromStaff, 'just a string')).rejects.toThrow();
    await expect(b.invoke(BRIDGE_CHANNELS.openExternal, fromStaff, { url: 'https://wa.me', extra: 1 })).rejects.toThrow();
  });

  it('open only allow-listed links', async () => {
    const b = bridge();
    expect(await b.invoke(BRIDGE_CHANNELS.openExternal, fromStaff, { url: 'https://evil.example/' })).toBe(false);
    expect(await b.invoke(BRIDGE_CHANNELS.openExternal, fromStaff, { url: 'file:///etc/passwd' })).toBe(false);
    expect(b.opened).toEqual([]);
  });

  it('rate-limit notifications', async () => {
    let t = 0;
    const b = bridge({ now: () => t });
    const send = () => b.invoke(BRIDGE_CHANNELS.notify, fromStaff, { title: 'Guest waiting', body: '' });
    expect([await send(), await send(), await send(), await send()]).toEqual([true, true, true, false]);
    t += 61_000;
    expect(await send()).toBe(true);
    expect(b.notified).toHaveLength(4);
  });
});

describe('preload scripts', () => {
  // Sandboxed preloads cannot import main's modules, so they repeat the channel names.
  it('use the channels main listens on', () => {
    const preload = readFileSync(path.join(import.meta.dirname, 'preload.cts'), 'utf8');
    const used = [...preload.matchAll(/ipcRenderer\.invoke\('([^']+)'/g)].map((m) => m[1]);
    expect(used.sort()).toEqual(Object.values(BRIDGE_CHANNELS).sort());
    const prompt = readFileSync(path.join(import.meta.dirname, 'passphrase-preload.cts'), 'utf8');
    expect(new Set([...prompt.matchAll(/ipcRenderer\.send\('([^']+)'/g)].map((m) => m[1]))).toEqual(new Set([PASSPHRASE_CHANNEL]));
  });
});
