// The Electron main process: composition only. Every decision lives in a module written against a
// small interface and unit-tested without Electron; this file adapts Electron's objects to them.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  safeStorage,
  session,
  shell,
  Tray,
  utilityProcess,
  type IpcMainEvent,
  type MenuItemConstructorOptions,
} from 'electron';
import { loadDesktopSettings, type DesktopSettings } from './desktop-settings.js';
import { COLOURS, iconPng } from './icon.js';
import { registerBridge } from './ipc.js';
import { fileWrappedKeyStore, obtainMasterKey } from './key-store.js';
import { HIDDEN_FLAG, loginItem, type LoginItem } from './login-item.js';
import { DEFAULT_EXTERNAL_HOSTS, guardNavigation, originOf, permissionCheckAllowed, permissionRequestAllowed, secureWebPreferences, withCsp } from './navigation.js';
import { PASSPHRASE_CHANNEL, passphrasePromptPage, passphraseReply } from './passphrase-prompt.js';
import { ServerSupervisor, type ForkRequest, type ServerChild, type SupervisorLog, type SupervisorStatus } from './server-supervisor.js';
import { bringToFront, claimSingleInstance } from './single-instance.js';
import { ReadinessPoller, trayView, type Readiness } from './tray-status.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/main
const PRELOAD = path.join(here, 'preload.cjs');
const PASSPHRASE_PRELOAD = path.join(here, 'passphrase-preload.cjs');
const SERVER_ENTRY = path.join(here, '..', 'server', 'utility-entry.js');
const APP_ID = 'com.nocturn.appliance';

const log: SupervisorLog = (level, message, fields) => {
  const line = `[nocturn] ${message}`;
  if (level === 'error') console.error(line, fields ?? '');
  else if (level === 'warn') console.warn(line, fields ?? '');
  else console.log(line, fields ?? '');
};

// The same userData folder in development and when packaged.
app.setName('Nocturn');

let settings: DesktopSettings = { keyMode: 'keychain', allowedExternalHosts: [...DEFAULT_EXTERNAL_HOSTS] };
let staffOrigin: string | undefined;
let staffUrl: string | undefined;
let mainWindow: BrowserWindow | undefined;
let windowLoadFailed = false;
let tray: Tray | undefined;
let login: LoginItem | undefined;
let supervisor: ServerSupervisor | undefined;
let status: SupervisorStatus = { state: 'idle' };
let readiness: Readiness = { kind: 'unknown' };
let quitting = false;
let serverStopped = false;
let toldAboutTray = false;
let serverOutput: WriteStream | undefined;

const poller = new ReadinessPoller({
  staffUrl: () => (status.state === 'running' ? staffUrl : undefined),
  fetch: (url, init) => fetch(url, init),
  onReadiness: (r) => {
    readiness = r;
    renderTray();
  },
});

// Hardening applies to every web contents ever created, before any exists (REFERENCE.md section 6).
app.on('web-contents-created', (_event, contents) => {
  guardNavigation(
    {
      onWillNavigate: (listener) => contents.on('will-navigate', (e) => listener(e.url, () => e.preventDefault())),
      onWillRedirect: (listener) => contents.on('will-redirect', (e) => listener(e.url, () => e.preventDefault())),
      onWillAttachWebview: (listener) => contents.on('will-attach-webview', (e) => listener(() => e.preventDefault())),
      setWindowOpenHandler: (handler) => contents.setWindowOpenHandler(({ url }) => handler(url)),
    },
    {
      staffOrigin: () => staffOrigin,
      allowedExternalHosts: settings.allowedExternalHosts,
      openExternal: (url) => void shell.openExternal(url),
      onBlocked: (what, url) => log('warn', `blocked a ${what}`, { origin: originOf(url) ?? url.slice(0, 40) }),
    },
  );
});

function showWindow(): boolean {
  if (!staffUrl) return false;
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow(staffUrl);
  bringToFront(mainWindow);
  return true;
}

const instance = claimSingleInstance(app, showWindow);

function createWindow(url: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Nocturn',
    icon: nativeImage.createFromBuffer(iconPng({ size: 256, background: true })),
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(PRELOAD, { devTools: !app.isPackaged }),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-fail-load', () => (windowLoadFailed = true));
  win.webContents.on('did-finish-load', () => (windowLoadFailed = false));
  // Closing the window keeps the appliance answering guests; Quit is in the tray menu.
  win.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    win.hide();
    if (!toldAboutTray) {
      toldAboutTray = true;
      notify('Nocturn is still running', 'It keeps answering guests. Open it again from the tray icon or by starting Nocturn again.');
    }
  });
  void win.loadURL(url);
  return win;
}

function notify(title: string, body: string): void {
  if (!Notification.isSupported()) return;
  const n = new Notification({ title, body });
  n.on('click', () => void showWindow());
  n.show();
}

function renderTray(): void {
  if (!tray) return;
  const view = trayView(status, readiness);
  tray.setImage(nativeImage.createFromBuffer(iconPng({ size: 32, background: false, badge: COLOURS[view.level] }), { scaleFactor: 2 }));
  tray.setToolTip(view.tooltip);
  const items: MenuItemConstructorOptions[] = [
    ...view.lines.map((label): MenuItemConstructorOptions => ({ label, enabled: false })),
    { type: 'separator' },
    { label: 'Open Nocturn', enabled: view.canOpen, click: () => void showWindow() },
  ];
  if (view.canRetry && supervisor) {
    const s = supervisor;
    items.push({ label: 'Restart server', click: () => void s.retry().catch((err: unknown) => log('error', 'restart failed', { error: (err as Error).message })) });
  }
  if (login?.supported) {
    const l = login;
    items.push({ label: 'Start at login', type: 'checkbox', checked: l.isEnabled(), click: (item) => l.setEnabled(item.checked) });
  }
  items.push({ type: 'separator' }, { label: 'Quit Nocturn', click: () => app.quit() });
  tray.setContextMenu(Menu.buildFromTemplate(items));
}

let everRunning = false;

function onStatus(next: SupervisorStatus): void {
  status = next;
  if (next.state === 'running') {
    everRunning = true;
    const originChanged = originOf(next.endpoints.staffUrl) !== staffOrigin;
    staffUrl = next.endpoints.staffUrl;
    staffOrigin = originOf(staffUrl);
    readiness = { kind: 'unknown' };
    if (mainWindow && !mainWindow.isDestroyed() && (originChanged || windowLoadFailed)) void mainWindow.loadURL(staffUrl);
    if (next.endpoints.setupToken) void showSetupToken(next.endpoints.setupToken);
  } else if (next.state === 'failed' && everRunning) {
    // A failed first start gets an error dialog instead (main()).
    notify('Nocturn server stopped', next.error.slice(0, 200));
  }
  renderTray();
}

async function showSetupToken(token: string): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'info',
    title: 'Nocturn: first run',
    message: 'Create the first admin account',
    detail: `Nocturn has no staff account yet. On the setup screen, enter this one-time setup token:\n\n${token}`,
    buttons: ['Copy token', 'Close'],
    defaultId: 0,
  });
  if (response === 0) clipboard.writeText(token);
}

function askPassphrase(opts: { firstRun: boolean; problem?: string }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const page = passphrasePromptPage(opts);
    const win = new BrowserWindow({
      width: 480,
      height: opts.firstRun ? 380 : 310,
      resizable: false,
      minimizable: false,
      maximizable: false,
      show: false,
      title: 'Unlock Nocturn',
      autoHideMenuBar: true,
      webPreferences: secureWebPreferences(PASSPHRASE_PRELOAD, { devTools: false }),
    });
    let settled = false;
    const finish = (value: string | undefined) => {
      if (settled) return;
      settled = true;
      ipcMain.removeListener(PASSPHRASE_CHANNEL, onReply);
      if (!win.isDestroyed()) win.destroy();
      resolve(value);
    };
    function onReply(event: IpcMainEvent, raw: unknown): void {
      if (event.sender !== win.webContents) return; // only the prompt window may answer
      const parsed = passphraseReply.safeParse(raw);
      if (parsed.success) finish(parsed.data.action === 'submit' ? parsed.data.passphrase : undefined);
    }
    ipcMain.on(PASSPHRASE_CHANNEL, onReply);
    win.on('closed', () => finish(undefined));
    win.once('ready-to-show', () => win.show());
    void win.loadURL(page.dataUrl);
  });
}

/** Server output goes to userData/logs/server.log when packaged (no terminal), the console otherwise. */
function serverLog(userData: string): WriteStream | undefined {
  if (!app.isPackaged) return undefined;
  const dir = path.join(userData, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'server.log');
  if (existsSync(file) && statSync(file).size > 20 * 1024 * 1024) renameSync(file, `${file}.1`);
  return createWriteStream(file, { flags: 'a', mode: 0o600 });
}

function forkUtility(request: ForkRequest, sink: WriteStream | undefined): ServerChild {
  const child = utilityProcess.fork(request.modulePath, request.args, { env: request.env, serviceName: request.serviceName, stdio: sink ? 'pipe' : 'inherit' });
  if (sink) {
    child.stdout?.pipe(sink, { end: false });
    child.stderr?.pipe(sink, { end: false });
  }
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (message) => child.postMessage(message),
    kill: () => child.kill(),
    onSpawn: (listener) => void child.on('spawn', listener),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', listener),
  };
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(permissionRequestAllowed()));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionCheckAllowed(permission, requestingOrigin, staffOrigin));
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders, details.url, staffOrigin) }));
}

function fatal(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log('error', title, { message });
  dialog.showErrorBox(title, message);
  quitting = true;
  app.quit();
}

async function main(): Promise<void> {
  await app.whenReady();
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  const userData = app.getPath('userData');
  const settingsFile = path.join(userData, 'desktop.json');
  try {
    settings = loadDesktopSettings(settingsFile, process.env);
  } catch (err) {
    fatal('Nocturn settings are invalid', err);
    return;
  }
  hardenSession();
  registerBridge(ipcMain, {
    staffOrigin: () => staffOrigin,
    notify,
    appVersion: () => app.getVersion(),
    openExternal: (url) => shell.openExternal(url),
    allowedExternalHosts: settings.allowedExternalHosts,
  });

  login = loginItem({
    platform: process.platform,
    getLoginItemSettings: () => app.getLoginItemSettings(),
    setLoginItemSettings: (s) => app.setLoginItemSettings(s),
    autostartDir: path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'autostart'),
    executable: process.env.APPIMAGE || process.execPath,
  });
  tray = new Tray(nativeImage.createFromBuffer(iconPng({ size: 32, background: false, badge: COLOURS.warning }), { scaleFactor: 2 }));
  tray.on('click', () => void showWindow());
  renderTray();

  const dataDir = path.join(userData, 'data');
  serverOutput = serverLog(userData);
  const sink = serverOutput;
  const env: Record<string, string | undefined> = {
    ...process.env,
    NOCTURN_ENV: process.env.NOCTURN_ENV || (app.isPackaged ? 'production' : 'development'),
    ...(app.isPackaged ? { NOCTURN_MODELS_DIR: path.join(process.resourcesPath, 'models') } : {}),
  };
  let problem: string | undefined;
  for (let attempt = 1; ; attempt++) {
    let key;
    try {
      key = await obtainMasterKey({
        mode: settings.keyMode,
        safeStorage,
        store: fileWrappedKeyStore(path.join(userData, 'master-key.json')),
        platform: process.platform,
        settingsFile,
        askPassphrase: () => askPassphrase({ firstRun: !existsSync(path.join(dataDir, 'group.db')), ...(problem ? { problem } : {}) }),
      });
    } catch (err) {
      fatal('Nocturn cannot unlock its data', err);
      return;
    }
    const s = new ServerSupervisor({ fork: (request) => forkUtility(request, sink), modulePath: SERVER_ENTRY, dataDir, key, env, log });
    supervisor = s;
    s.onStatus(onStatus);
    try {
      await s.start();
      break;
    } catch (err) {
      const message = (err as Error).message;
      if (key.kind === 'passphrase' && attempt < 3 && /wrong key or passphrase/i.test(message) && !quitting) {
        problem = 'That passphrase does not open the data on this computer. Try again.';
        continue;
      }
      // A checkout whose better-sqlite3 was built for Node (npm ci) rather than Electron.
      const hint = /NODE_MODULE_VERSION/.test(message) && !app.isPackaged ? '\n\nbetter-sqlite3 is built for Node, not Electron: run "npx electron-builder install-app-deps" (and "npm rebuild better-sqlite3" before running the tests again).' : '';
      if (!quitting) fatal('Nocturn could not start its server', new Error(message + hint));
      return;
    }
  }
  poller.start();
  // Started at login: stay in the tray.
  const startHidden = process.argv.includes(HIDDEN_FLAG) || app.getLoginItemSettings().wasOpenedAtLogin === true;
  if (!startHidden) showWindow();
  instance.windowAvailable();
}

if (instance.primary) {
  app.on('activate', () => void showWindow()); // macOS: dock icon clicked
  // The appliance lives in the tray: closing the last window is not quitting.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    quitting = true;
    if (!supervisor || serverStopped) return;
    event.preventDefault();
    poller.stop();
    const s = supervisor;
    void s
      .stop()
      .then(({ clean }) => log(clean ? 'info' : 'warn', clean ? 'server stopped cleanly' : 'server had to be killed'))
      .finally(() => {
        serverStopped = true;
        serverOutput?.end();
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  void main().catch((err: unknown) => fatal('Nocturn failed to start', err));
}
