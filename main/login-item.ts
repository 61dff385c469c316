import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * "Start at login": Electron's login items on Windows and macOS; on Linux (where Electron has none)
 * an XDG autostart entry. Started at login, Nocturn comes up in the tray without a window.
 */

export const HIDDEN_FLAG = '--hidden';

export interface LoginItemPlatform {
  platform: NodeJS.Platform;
  /** Electron's app.getLoginItemSettings / setLoginItemSettings (Windows, macOS). */
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  /** Linux: ~/.config/autostart (XDG_CONFIG_HOME honoured by the caller). */
  autostartDir: string;
  /** The program to start: the AppImage when running from one, else the executable. */
  executable: string;
}

export interface LoginItem {
  readonly supported: boolean;
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

/** Quotes one argument for a desktop entry's Exec key (freedesktop Desktop Entry spec). */
export function desktopExecArg(arg: string): string {
  if (!/[\s"'\\$`<>~|&;*?#()]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Nocturn',
    'Comment=Answers hotel guest inquiries',
    `Exec=${desktopExecArg(executable)} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function loginItem(p: LoginItemPlatform): LoginItem {
  if (p.platform === 'linux') {
    const file = path.join(p.autostartDir, 'nocturn.desktop');
    return {
      supported: true,
      isEnabled: () => existsSync(file) && readFileSync(file, 'utf8').includes('Name=Nocturn'),
      setEnabled(enabled) {
        if (enabled) {
          mkdirSync(p.autostartDir, { recursive: true });
          writeFileSync(file, autostartEntry(p.executable), { mode: 0o644 });
        } else {
          rmSync(file, { force: true });
        }
      },
    };
  }
  if (p.platform === 'win32' || p.platform === 'darwin') {
    return {
      supported: true,
      isEnabled: () => p.getLoginItemSettings().openAtLogin,
      setEnabled: (enabled) => p.setLoginItemSettings({ openAtLogin: enabled, ...(p.platform === 'win32' ? { args: [HIDDEN_FLAG] } : {}) }),
    };
  }
  return { supported: false, isEnabled: () => false, setEnabled: () => undefined };
}
