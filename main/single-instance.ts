/**
 * One Nocturn per user session: a second launch must not start a second server on the same ports
 * and data directory; it hands over to the first, which brings its window to the front.
 */

/** The part of Electron's `app` this module uses. */
export interface InstanceLockApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  quit(): void;
}

export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

export interface SingleInstance {
  /** False in a second launch, which is already quitting. */
  readonly primary: boolean;
  /** Call once a window can be shown (the server is up): a second launch that came earlier shows it now. */
  windowAvailable(): void;
}

export function bringToFront(win: FocusableWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/**
 * Takes the lock, or quits. `showWindow` brings the main window forward (creating it when the app
 * runs only in the tray) and returns false when there is no window yet.
 */
export function claimSingleInstance(app: InstanceLockApp, showWindow: () => boolean): SingleInstance {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { primary: false, windowAvailable: () => undefined };
  }
  let pending = false;
  app.on('second-instance', () => {
    if (!showWindow()) pending = true;
  });
  return {
    primary: true,
    windowAvailable() {
      if (!pending) return;
      pending = false;
      if (!showWindow()) pending = true;
    },
  };
}
