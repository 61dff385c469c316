// Preload of the passphrase window (sandboxed, CommonJS, may require only 'electron'). The channel
// name is repeated from main/passphrase-prompt.ts; main accepts it only from the prompt window.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld(
  'nocturnPassphrase',
  Object.freeze({
    submit: (passphrase: string): void => ipcRenderer.send('nocturn:passphrase', { action: 'submit', passphrase }),
    cancel: (): void => ipcRenderer.send('nocturn:passphrase', { action: 'cancel' }),
  }),
);
