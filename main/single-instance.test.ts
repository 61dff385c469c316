import { describe, expect, it } from 'vitest';
import { bringToFront, claimSingleInstance, type FocusableWindow, type InstanceLockApp } from './single-instance.js';

/** The OS side: one lock per user session; a failed claim notifies the holder, as Electron does. */
class FakeSession {
  holder: FakeApp | undefined;
}

class FakeApp implements InstanceLockApp {
  quitCalled = false;
  private secondInstance: (() => void)[] = [];
  constructor(private readonly os: FakeSession) {}
  requestSingleInstanceLock(): boolean {
    if (this.os.holder && this.os.holder !== this) {
      this.os.holder.secondInstance.forEach((l) => l());
      return false;
    }
    this.os.holder = this;
    return true;
  }
  on(_event: 'second-instance', listener: () => void): void {
    this.secondInstance.push(listener);
  }
  quit(): void {
    this.quitCalled = true;
  }
}

class FakeWindow implements FocusableWindow {
  minimized = true;
  visible = false;
  focused = false;
  destroyed = false;
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  restore = () => void (this.minimized = false);
  show = () => void (this.visible = true);
  focus = () => void (this.focused = true);
}

describe('single instance', () => {
  it('a second launch quits and brings the first instance’s window to the front', () => {
    const os = new FakeSession();
    const win = new FakeWindow();
    const first = new FakeApp(os);
    const primary = claimSingleInstance(first, () => {
      bringToFront(win);
      return true;
    });
    expect(primary.primary).toBe(true);
    expect(first.quitCalled).toBe(false);

    const second = new FakeApp(os);
    const other = claimSingleInstance(second, () => {
      throw new Error('the second launch must not show a window');
    });
    expect(other.primary).toBe(false);
    expect(second.quitCalled).toBe(true);
    expect(win).toMatchObject({ minimized: false, visible: true, focused: true });
  });

  it('a second launch before the window exists shows the window once one is available', () => {
    const os = new FakeSession();
    const created: { win?: FakeWindow } = {};
    const first = new FakeApp(os);
    const instance = claimSingleInstance(first, () => {
      if (!created.win) return false;
      bringToFront(created.win);
      return true;
    });
    claimSingleInstance(new FakeApp(os), () => true);
    const win = (created.win = new FakeWindow());
    expect(win.focused).toBe(false);
    instance.windowAvailable();
    expect(win.focused).toBe(true);
    win.focused = false;
    instance.windowAvailable(); // only once
    expect(win.focused).toBe(false);
  });

  it('does not touch a destroyed window', () => {
    const win = new FakeWindow();
    win.destroyed = true;
    bringToFront(win);
    expect(win.visible).toBe(false);
  });
});
