// The smaller shell modules: settings, start at login, the icon, the passphrase page.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DesktopSettingsError, loadDesktopSettings } from './desktop-settings.js';
import { COLOURS, iconPng } from './icon.js';
import { autostartEntry, desktopExecArg, HIDDEN_FLAG, loginItem } from './login-item.js';
import { passphrasePromptPage, passphraseReply } from './passphrase-prompt.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'nocturn-shell-'));
  dirs.push(d);
  return d;
}

describe('desktop settings', () => {
  it('default to keychain mode and the built-in link allow-list', () => {
    const s = loadDesktopSettings(path.join(tmp(), 'desktop.json'), {});
    expect(s.keyMode).toBe('keychain');
    expect(s.allowedExternalHosts).toContain('wa.me');
  });

  it('an admin chooses passphrase mode in the file or the environment, and adds link hosts', () => {
    const file = path.join(tmp(), 'desktop.json');
    writeFileSync(file, JSON.stringify({ keyMode: 'passphrase', externalLinkHosts: ['*.Harbourview.example'] }));
    const s = loadDesktopSettings(file, {});
    expect(s.keyMode).toBe('passphrase');
    expect(s.allowedExternalHosts).toContain('*.harbourview.example');
    expect(loadDesktopSettings(path.join(tmp(), 'none.json'), { NOCTURN_DESKTOP_KEY_MODE: 'passphrase' }).keyMode).toBe('passphrase');
  });

  it('a bad file or variable stops start-up with a message naming it', () => {
    const file = path.join(tmp(), 'desktop.json');
    writeFileSync(file, JSON.stringify({ keyMode: 'plaintext' }));
    expect(() => loadDesktopSettings(file, {})).toThrow(DesktopSettingsError);
    expect(() => loadDesktopSettings(file, {})).toThrow(/desktop\.json: keyMode/);
    writeFileSync(file, JSON.stringify({ keyMod: 'passphrase' }));
    expect(() => loadDesktopSettings(file, {})).toThrow(/keyMod/);
    writeFileSync(file, '{');
    expect(() => loadDesktopSettings(file, {})).toThrow(/not valid JSON/);
    expect(() => loadDesktopSettings(path.join(tmp(), 'x.json'), { NOCTURN_DESKTOP_KEY_MODE: 'none' })).toThrow(/NOCTURN_DESKTOP_KEY_MODE/);
  });
});

describe('start at login', () => {
  const electronSide = () => {
    const calls: unknown[] = [];
    let open = false;
    return {
      calls,
      getLoginItemSettings: () => ({ openAtLogin: open }),
      setLoginItemSettings: (s: { openAtLogin: boolean }) => {
        calls.push(s);
        open = s.openAtLogin;
      },
    };
  };

  it('Linux: an XDG autostart entry that starts Nocturn hidden in the tray', () => {
    const dir = path.join(tmp(), 'autostart');
    const item = loginItem({ platform: 'linux', ...electronSide(), autostartDir: dir, executable: '/opt/Nocturn Apps/Nocturn.AppImage' });
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    expect(item.isEnabled()).toBe(true);
    const entry = readFileSync(path.join(dir, 'nocturn.desktop'), 'utf8');
    expect(entry).toContain(`Exec="/opt/Nocturn Apps/Nocturn.AppImage" ${HIDDEN_FLAG}`);
    item.setEnabled(false);
    expect(existsSync(path.join(dir, 'nocturn.desktop'))).toBe(false);
  });

  it('quotes Exec arguments as the desktop entry spec requires', () => {
    expect(desktopExecArg('/usr/bin/nocturn')).toBe('/usr/bin/nocturn');
    expect(desktopExecArg('/home/a "b"/$x')).toBe('"/home/a \\"b\\"/\\$x"');
    expect(autostartEntry('/usr/bin/nocturn')).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
  });

  it('Windows and macOS: Electron login items', () => {
    const win = electronSide();
    const item = loginItem({ platform: 'win32', ...win, autostartDir: '', executable: '' });
    item.setEnabled(true);
    expect(item.isEnabled()).toBe(true);
    expect(win.calls).toEqual([{ openAtLogin: true, args: [HIDDEN_FLAG] }]);
    const mac = electronSide();
    loginItem({ platform: 'darwin', ...mac, autostartDir: '', executable: '' }).setEnabled(true);
    expect(mac.calls).toEqual([{ openAtLogin: true }]);
  });

  it('is not offered where there is no mechanism', () => {
    expect(loginItem({ platform: 'aix', ...electronSide(), autostartDir: '', executable: '' }).supported).toBe(false);
  });
});

/** A minimal PNG reader: checks chunk CRCs and returns RGBA pixels (filter 0 rows, as written). */
function readPng(png: Buffer): { width: number; height: number; pixel: (x: number, y: number) => number[] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    const crc = png.readUInt32BE(off + 8 + len);
    expect(crc, `${type} CRC`).toBe(crcOf(png.subarray(off + 4, off + 8 + len)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 4 + 1) * height);
  return { width, height, pixel: (x, y) => [...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 1 + x * 4 + 4)] };
}

function crcOf(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('icon', () => {
  it('the application icon: a crescent on a round dark background, transparent corners', () => {
    const img = readPng(iconPng({ size: 128, background: true }));
    expect([img.width, img.height]).toEqual([128, 128]);
    expect(img.pixel(0, 0)[3]).toBe(0);
    expect(img.pixel(40, 64)).toEqual([...COLOURS.moon, 255]); // the lit side of the moon
    expect(img.pixel(80, 50)).toEqual([...COLOURS.night, 255]); // the dark bite of the crescent
  });

  it('the tray icon carries the status colour', () => {
    for (const level of ['ok', 'warning', 'error'] as const) {
      const img = readPng(iconPng({ size: 32, background: false, badge: COLOURS[level] }));
      expect(img.pixel(25, 25)).toEqual([...COLOURS[level], 255]);
    }
  });
});

describe('passphrase page', () => {
  it('its only script is allowed by hash; nothing else may run or load', () => {
    const page = passphrasePromptPage({ firstRun: false });
    const script = /<script>([\s\S]*?)<\/script>/.exec(page.html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(page.csp).toContain(`script-src 'sha256-${hash}'`);
    expect(page.csp).toMatch(/^default-src 'none'/);
    expect(page.html).toContain(`content="${page.csp}"`);
    expect(decodeURIComponent(page.dataUrl.slice('data:text/html;charset=utf-8,'.length))).toBe(page.html);
    expect(page.html).not.toContain('id="again"');
  });

  it('asks twice on first run, and escapes the problem it shows', () => {
    const page = passphrasePromptPage({ firstRun: true, problem: '<img src=x onerror=alert(1)>' });
    expect(page.html).toContain('id="again"');
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.html).not.toContain('<img src=x');
  });

  it('replies are parsed', () => {
    expect(passphraseReply.safeParse({ action: 'submit', passphrase: 'correct horse battery staple' }).success).toBe(true);
    expect(passphraseReply.safeParse({ action: 'submit', passphrase: 'short' }).success).toBe(false);
    expect(passphraseReply.safeParse({ action: 'cancel', extra: 1 }).success).toBe(false);
  });
});
