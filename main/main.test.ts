// main.ts, the Electron composition, run without Electron: the 'electron' module is replaced by a
// fake that records what main.ts asks of it, while the server it starts is real (the production
// utility entry in a Node child process, which speaks the same protocol as a utilityProcess).
import { fork as forkChild, type ChildProcess } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
const event = (extra: object = {}): FakeEvent & Record<string, unknown> => ({
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true;
  },
  ...extra,
});

/** Everything the fake records; rebuilt for each import of main.ts. */
interface World {
  userData: string;
  keychain: { available: boolean; backend: string; secret: Buffer };
  app: EventEmitter & Record<string, unknown>;
  windows: FakeWindow[];
  trays: { tooltip?: string; menu?: { items: { label?: string; type?: string; enabled?: boolean; click?: (item: { checked: boolean }) => void }[] } }[];
  notifications: { title: string; body: string; shown: boolean }[];
  errorBoxes: string[];
  messageBoxes: { detail?: string }[];
  clipboard: string[];
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  permissionRequest?: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void;
  permissionCheck?: (wc: unknown, permission: string, origin: string) => boolean;
  headersReceived?: (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
  forks: { modulePath: string; args: string[]; env: Record<string, string> }[];
  children: ChildProcess[];
  quitted: boolean;
}

interface FakeWindow extends EventEmitter {
  options: { webPreferences: Record<string, unknown> };
  url?: string;
  visible: boolean;
  focused: boolean;
  webContents: EventEmitter & { openHandler?: (d: { url: string }) => { action: string } };
}

const fx = { world: undefined as unknown as World };

/** A fresh fake 'electron' module bound to the current world (registered per test with vi.doMock). */
function fakeElectron() {
  const w = fx.world;
  class App extends EventEmitter {
    isPackaged = false;
    setName(): void {}
    setAppUserModelId(): void {}
    getLoginItemSettings() {
      return { openAtLogin: false, wasOpenedAtLogin: false };
    }
    setLoginItemSettings(): void {}
    requestSingleInstanceLock() {
      return true;
    }
    whenReady() {
      return Promise.resolve();
    }
    getPath() {
      return w.userData;
    }
    getVersion() {
      return '0.1.0';
    }
    quit() {
      const e = event();
      this.emit('before-quit', e);
      if (!e.defaultPrevented) {
        w.quitted = true;
        for (const win of w.windows) win.emit('close', event());
      }
    }
    exit() {}
  }
  const app = new App();
  w.app = app as unknown as World['app'];

  class BrowserWindow extends EventEmitter {
    url?: string;
    visible = false;
    focused = false;
    destroyed = false;
    webContents = Object.assign(new EventEmitter(), {
      openHandler: undefined as undefined | ((d: { url: string }) => { action: string }),
      setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
        this.openHandler = h;
      },
    });
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      w.windows.push(this as unknown as FakeWindow);
      app.emit('web-contents-created', event(), this.webContents);
    }
    async loadURL(url: string) {
      this.url = url;
      setTimeout(() => this.emit('ready-to-show'), 1);
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => false;
    restore() {}
    show() {
      this.visible = true;
    }
    hide() {
      this.visible = false;
    }
    focus() {
      this.focused = true;
    }
    destroy() {
      this.destroyed = true;
      this.emit('closed');
    }
  }

  class Tray extends EventEmitter {
    tooltip?: string;
    menu?: unknown;
    constructor() {
      super();
      w.trays.push(this as unknown as World['trays'][number]);
    }
    setImage() {}
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setContextMenu(m: unknown) {
      this.menu = m;
    }
  }

  class Notification extends EventEmitter {
    static isSupported = () => true;
    record: { title: string; body: string; shown: boolean };
    constructor(o: { title: string; body: string }) {
      super();
      this.record = { ...o, shown: false };
      w.notifications.push(this.record);
    }
    show() {
      this.record.shown = true;
    }
  }

  const safeStorage = {
    isEncryptionAvailable: () => w.keychain.available,
    getSelectedStorageBackend: () => w.keychain.backend,
    encryptString(plain: string) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', w.keychain.secret, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(enc: Buffer) {
      const d = createDecipheriv('aes-256-gcm', w.keychain.secret, enc.subarray(0, 12));
      d.setAuthTag(enc.subarray(12, 28));
      return Buffer.concat([d.update(enc.subarray(28)), d.final()]).toString('utf8');
    },
  };

  const utilityProcess = {
    fork(modulePath: string, args: string[], options: { env: Record<string, string> }) {
      w.forks.push({ modulePath, args, env: options.env });
      // Source checkout: dist/server/utility-entry.js is server/utility-entry.ts here.
      const entry = existsSync(modulePath) ? modulePath : modulePath.replace(/\.js$/, '.ts');
      const child = forkChild(entry, args, { env: options.env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      w.children.push(child);
      const proxy = Object.assign(new EventEmitter(), {
        get pid() {
          return child.pid;
        },
        stdout: child.stdout,
        stderr: child.stderr,
        postMessage: (m: unknown) => {
          if (child.connected) child.send(m as object);
        },
        kill: () => child.kill('SIGTERM'),
      });
      child.on('spawn', () => proxy.emit('spawn'));
      child.on('message', (m) => proxy.emit('message', m));
      child.on('exit', (code, signal) => proxy.emit('exit', code ?? (signal ? 128 : 1)));
      return proxy;
    },
  };

  return {
    app,
    BrowserWindow,
    Tray,
    Notification,
    safeStorage,
    utilityProcess,
    clipboard: { writeText: (t: string) => w.clipboard.push(t) },
    dialog: {
      showErrorBox: (title: string, message: string) => w.errorBoxes.push(`${title}: ${message}`),
      showMessageBox: async (o: { detail?: string }) => {
        w.messageBoxes.push(o);
        return { response: 0 };
      },
    },
    ipcMain: {
      handle: (channel: string, l: World['ipcHandlers'] extends Map<string, infer H> ? H : never) => w.ipcHandlers.set(channel, l),
      on() {},
      removeListener() {},
    },
    Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
    nativeImage: { createFromBuffer: (b: Buffer) => ({ size: b.length }) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: World['permissionRequest']) => (w.permissionRequest = h),
        setPermissionCheckHandler: (h: World['permissionCheck']) => (w.permissionCheck = h),
        webRequest: { onHeadersReceived: (h: World['headersReceived']) => (w.headersReceived = h) },
      },
    },
    shell: { openExternal: async () => undefined },
  };
}

const savedEnv = { ...process.env };
const dirs: string[] = [];

function newWorld(keychain: Partial<World['keychain']> = {}): World {
  const userData = mkdtempSync(path.join(os.tmpdir(), 'nocturn-electron-'));
  dirs.push(userData);
  fx.world = {
    userData,
    keychain: { available: true, backend: 'gnome_libsecret', secret: randomBytes(32), ...keychain },
    app: undefined as unknown as World['app'],
    windows: [],
    trays: [],
    notifications: [],
    errorBoxes: [],
    messageBoxes: [],
    clipboard: [],
    ipcHandlers: new Map(),
    forks: [],
    children: [],
    quitted: false,
  };
  return fx.world;
}

async function until(cond: () => boolean, what: string, timeoutMs = 25_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not happen in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(() => {
  vi.resetModules();
  vi.doMock('electron', () => fakeElectron());
  Object.assign(process.env, { NOCTURN_STAFF_PORT: '0', NOCTURN_PUBLIC_PORT: '0', NOCTURN_SERVE_UI: 'false', NOCTURN_LOG_LEVEL: 'warn' });
  delete process.env.NOCTURN_ENV;
  delete process.env.NOCTURN_MASTER_KEY;
  delete process.env.NOCTURN_DESKTOP_KEY_MODE;
});
afterEach(() => {
  for (const c of fx.world?.children ?? []) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
});
afterAll(() => {
  process.env = savedEnv;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('main.ts without the Electron binary', () => {
  it('wires key, server, hardened window, bridge, tray and a clean quit', async () => {
    const w = newWorld();
    await import('./main.js');
    await until(() => w.windows.some((win) => win.url !== undefined), 'the staff window');

    // Key: wrapped by the keychain in userData; the server got it by message, not argv or env.
    const keyFile = readFileSync(path.join(w.userData, 'master-key.json'), 'utf8');
    expect(JSON.parse(keyFile)).toMatchObject({ version: 1, backend: 'gnome_libsecret' });
    expect(w.forks).toHaveLength(1);
    expect(w.forks[0]!.args).toEqual([]);
    expect(Object.keys(w.forks[0]!.env).filter((k) => /MASTER/.test(k))).toEqual([]);
    expect(w.forks[0]!.modulePath).toMatch(/server[\\/]utility-entry\.js$/);
    expect(existsSync(path.join(w.userData, 'data', 'group.db'))).toBe(true);

    // The window: hardened, on the real staff listener.
    const win = w.windows.at(-1)!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(win.options.webPreferences.preload)).toMatch(/preload\.cjs$/);
    const staffUrl = win.url!;
    expect(staffUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${staffUrl}/health`)).status).toBe(200);
    await until(() => win.visible, 'the window to show');

    // First run: the setup token is shown to the person at the machine.
    await until(() => w.messageBoxes.length === 1, 'the setup token dialog');
    expect(w.messageBoxes[0]!.detail).toMatch(/setup token/);
    expect(w.clipboard).toHaveLength(1);

    // Navigation guard on every web contents.
    const nav = event({ url: 'https://evil.example/' });
    win.webContents.emit('will-navigate', nav);
    expect(nav.defaultPrevented).toBe(true);
    const inside = event({ url: `${staffUrl}/inbox` });
    win.webContents.emit('will-navigate', inside);
    expect(inside.defaultPrevented).toBe(false);
    expect(win.webContents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const webview = event();
    win.webContents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);

    // Permissions and CSP.
    let granted: boolean | undefined;
    w.permissionRequest!({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    let headers: Record<string, string[]> | undefined;
    w.headersReceived!({ url: 'https://evil.example/', responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']![0]).toMatch(/^default-src 'none'/);

    // The bridge: a notification requested by the staff page.
    const notify = w.ipcHandlers.get('nocturn:notify')!;
    expect(await notify({ senderFrame: { url: `${staffUrl}/inbox`, parent: null } }, { title: 'Guest needs a person', body: 'Harbour View' })).toBe(true);
    expect(w.notifications.at(-1)).toEqual({ title: 'Guest needs a person', body: 'Harbour View', shown: true });
    expect(() => notify({ senderFrame: { url: 'https://evil.example/', parent: null } }, { title: 'x', body: 'y' })).toThrow();

    // Tray: status and menu.
    await until(() => w.trays[0]?.tooltip === 'Nocturn is running', 'the tray to show running');
    const labels = w.trays[0]!.menu!.items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['Running', 'Open Nocturn', 'Start at login', 'Quit Nocturn']));

    // Closing the window keeps the appliance running in the tray.
    const close = event();
    win.emit('close', close);
    expect(close.defaultPrevented).toBe(true);
    expect(win.visible).toBe(false);
    expect((await fetch(`${staffUrl}/health`)).status).toBe(200);

    // A second launch brings it back.
    w.app.emit('second-instance');
    expect(win.visible).toBe(true);

    // Quit from the tray: the server is stopped cleanly before the app goes.
    const exited = new Promise<number | null>((r) => w.children[0]!.on('exit', (code) => r(code)));
    w.trays[0]!.menu!.items.find((i) => i.label === 'Quit Nocturn')!.click!({ checked: false });
    expect(await exited).toBe(0);
    await until(() => w.quitted, 'the app to quit');
    await expect(fetch(`${staffUrl}/health`)).rejects.toThrow();
  }, 60_000);

  // basic_text is a Linux backend; elsewhere main.ts does not ask for it.
  it.runIf(process.platform === 'linux')('refuses to start when the keychain is the Linux basic_text store, saying what to do', async () => {
    const w = newWorld({ backend: 'basic_text' });
    await import('./main.js');
    await until(() => w.errorBoxes.length > 0, 'the error dialog');
    expect(w.errorBoxes[0]).toMatch(/^Nocturn cannot unlock its data: .*"basic_text"/);
    expect(w.errorBoxes[0]).toContain('"keyMode": "passphrase"');
    expect(w.forks).toEqual([]);
    expect(existsSync(path.join(w.userData, 'master-key.json'))).toBe(false);
    await until(() => w.quitted, 'the app to quit');
  });
});
