// The staff window's preload: a sandboxed CommonJS script that may require only 'electron', so
// the channel names are repeated from main/ipc.ts (a test keeps them in step). The page gets
// exactly these three calls on `window.nocturn`; main checks the caller's origin on each.
import { contextBridge, ipcRenderer } from 'electron';

const api = {
  /** A desktop notification (for example: a guest needs a person). Resolves false when rate-limited. */
  notify: (title: string, body: string): Promise<boolean> => ipcRenderer.invoke('nocturn:notify', { title, body }),
  appVersion: (): Promise<string> => ipcRenderer.invoke('nocturn:app-version'),
  /** Opens an allow-listed https link in the system browser; resolves false when the link is not allowed. */
  openExternal: (url: string): Promise<boolean> => ipcRenderer.invoke('nocturn:open-external', { url }),
};

contextBridge.exposeInMainWorld('nocturn', Object.freeze(api));
