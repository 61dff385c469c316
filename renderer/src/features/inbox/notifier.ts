import { z } from 'zod';
import { readStored, writeStored } from '../../shared/local-store';

/** What the Electron preload exposes on `window.nocturn` (main/preload.cts); absent in a browser. */
interface DesktopBridge {
  notify?: (title: string, body: string) => Promise<boolean>;
}

function bridge(): DesktopBridge | undefined {
  return (window as unknown as { nocturn?: DesktopBridge }).nocturn;
}

export interface AlertPrefs {
  /** Desktop notification when a guest needs a person. */
  desktop: boolean;
  /** A short chime as well. */
  sound: boolean;
}

const PREFS_KEY = 'nocturn.alerts';
const Prefs = z.object({ desktop: z.boolean(), sound: z.boolean() });
export const DEFAULT_PREFS: AlertPrefs = { desktop: true, sound: false };

export function readAlertPrefs(): AlertPrefs {
  return readStored(PREFS_KEY, Prefs, DEFAULT_PREFS);
}

export function writeAlertPrefs(prefs: AlertPrefs): void {
  writeStored(PREFS_KEY, prefs);
}

export type DesktopPermission = 'granted' | 'denied' | 'default' | 'unsupported' | 'shell';

/** `shell`: the desktop app shows notifications itself, no browser permission needed. */
export function desktopPermission(): DesktopPermission {
  if (bridge()?.notify) return 'shell';
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

export async function askDesktopPermission(): Promise<DesktopPermission> {
  if (bridge()?.notify) return 'shell';
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * A desktop notification. Through the desktop shell when there is one (it rate-limits and shows
 * the tray); otherwise the browser's Notification API, only while the page is not in front.
 * Guest text never goes into a notification: lock screens show them.
 */
export function notifyDesktop(title: string, body: string, onClick: () => void): void {
  const shell = bridge();
  if (shell?.notify) {
    void shell.notify(title, body).catch(() => undefined);
    return;
  }
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    const n = new Notification(title, { body, tag: 'nocturn-needs-person' });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some platforms only allow notifications from a service worker; the inbox still shows it.
  }
}

let audio: AudioContext | undefined;

/** Two soft tones, generated (no audio file to load). */
export function playChime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === 'suspended') void ctx.resume();
    const start = ctx.currentTime + 0.02;
    [660, 880].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t = start + i * 0.18;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.18, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.4);
    });
  } catch {
    // No audio device: the visual alert remains.
  }
}
