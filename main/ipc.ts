import { z } from 'zod';
import { isAllowedExternalUrl, isStaffUrl } from './navigation.js';

/**
 * The main-process side of the preload bridge. Every handler checks that the call comes from the
 * staff page's top frame (REFERENCE.md section 6, item 17) and parses its arguments.
 * The channel names are repeated in preload.cts, which cannot import anything (sandboxed preload).
 */
export const BRIDGE_CHANNELS = {
  notify: 'nocturn:notify',
  appVersion: 'nocturn:app-version',
  openExternal: 'nocturn:open-external',
} as const;

/** What the bridge needs of an invoke event (Electron's IpcMainInvokeEvent). */
export interface BridgeEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: BridgeEvent, ...args: unknown[]) => unknown): void;
}

export interface BridgeDeps {
  staffOrigin: () => string | undefined;
  notify: (title: string, body: string) => void;
  appVersion: () => string;
  openExternal: (url: string) => Promise<void>;
  allowedExternalHosts: readonly string[];
  /** At most this many notifications per minute (a runaway page cannot flood the desktop). */
  notificationsPerMinute?: number;
  now?: () => number;
}

export class BridgeRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeRejected';
  }
}

const notifyArgs = z.object({ title: z.string().trim().min(1).max(120), body: z.string().max(500) }).strict();
const openExternalArgs = z.object({ url: z.string().max(2048) }).strict();

/** The call must come from the staff origin, from the top frame (not an embedded frame). */
export function isTrustedSender(event: BridgeEvent, staffOrigin: string | undefined): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isStaffUrl(frame.url, staffOrigin);
}

export function registerBridge(ipc: IpcMainLike, deps: BridgeDeps): void {
  const now = deps.now ?? Date.now;
  const perMinute = deps.notificationsPerMinute ?? 20;
  const sent: number[] = [];
  const guard = (event: BridgeEvent) => {
    if (!isTrustedSender(event, deps.staffOrigin())) throw new BridgeRejected('this page may not use the Nocturn bridge');
  };

  ipc.handle(BRIDGE_CHANNELS.notify, (event, arg) => {
    guard(event);
    const { title, body } = notifyArgs.parse(arg);
    const t = now();
    while (sent.length > 0 && sent[0]! <= t - 60_000) sent.shift();
    if (sent.length >= perMinute) return false;
    sent.push(t);
    deps.notify(title, body);
    return true;
  });
  ipc.handle(BRIDGE_CHANNELS.appVersion, (event) => {
    guard(event);
    return deps.appVersion();
  });
  ipc.handle(BRIDGE_CHANNELS.openExternal, async (event, arg) => {
    guard(event);
    const { url } = openExternalArgs.parse(arg);
    if (!isAllowedExternalUrl(url, deps.allowedExternalHosts)) return false;
    await deps.openExternal(url);
    return true;
  });
}
