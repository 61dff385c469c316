import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXTERNAL_HOSTS,
  DENY_ALL_CSP,
  guardNavigation,
  isAllowedExternalUrl,
  isStaffUrl,
  permissionCheckAllowed,
  permissionRequestAllowed,
  secureWebPreferences,
  STAFF_CSP,
  withCsp,
  type NavigationHooks,
} from './navigation.js';

const STAFF = 'http://127.0.0.1:4310';

describe('staff origin', () => {
  it('allows exactly the staff listener: scheme, host and port', () => {
    expect(isStaffUrl('http://127.0.0.1:4310/inbox?x=1#c', STAFF)).toBe(true);
    expect(isStaffUrl('http://127.0.0.1:4311/webhooks/whatsapp', STAFF)).toBe(false); // the public listener
    expect(isStaffUrl('https://127.0.0.1:4310/', STAFF)).toBe(false);
    expect(isStaffUrl('http://localhost:4310/', STAFF)).toBe(false);
    expect(isStaffUrl('http://127.0.0.1:4310@evil.example/', STAFF)).toBe(false);
    expect(isStaffUrl('file:///etc/passwd', STAFF)).toBe(false);
    expect(isStaffUrl('data:text/html,<script>1</script>', STAFF)).toBe(false);
    expect(isStaffUrl('not a url', STAFF)).toBe(false);
    expect(isStaffUrl('http://127.0.0.1:4310/', undefined)).toBe(false); // no server yet: nothing is allowed
  });
});

describe('external links', () => {
  const hosts = [...DEFAULT_EXTERNAL_HOSTS, '*.harbourview.example'];
  it('opens only https links to allow-listed hosts', () => {
    expect(isAllowedExternalUrl('https://wa.me/60123456789', hosts)).toBe(true);
    expect(isAllowedExternalUrl('https://book.harbourview.example/rooms', hosts)).toBe(true);
    expect(isAllowedExternalUrl('https://WA.ME/x', hosts)).toBe(true);
  });
  it('refuses everything else', () => {
    expect(isAllowedExternalUrl('http://wa.me/60123456789', hosts)).toBe(false); // not https
    expect(isAllowedExternalUrl('https://wa.me.evil.example/', hosts)).toBe(false);
    expect(isAllowedExternalUrl('https://evilwa.me/', hosts)).toBe(false);
    expect(isAllowedExternalUrl('https://harbourview.example/', hosts)).toBe(false); // *.x does not include the apex
    expect(isAllowedExternalUrl('https://user:pw@wa.me/', hosts)).toBe(false);
    expect(isAllowedExternalUrl('https://wa.me:8443/', hosts)).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)', hosts)).toBe(false);
    expect(isAllowedExternalUrl('file:///C:/Windows/System32/calc.exe', hosts)).toBe(false);
    expect(isAllowedExternalUrl('smb://share/x', hosts)).toBe(false);
  });
});

/** Records what the guard registered, and lets the test fire the events. */
function fakeContents() {
  const h: {
    navigate?: (url: string, prevent: () => void) => void;
    redirect?: (url: string, prevent: () => void) => void;
    webview?: (prevent: () => void) => void;
    open?: (url: string) => { action: 'deny' };
  } = {};
  const hooks: NavigationHooks = {
    onWillNavigate: (l) => (h.navigate = l),
    onWillRedirect: (l) => (h.redirect = l),
    onWillAttachWebview: (l) => (h.webview = l),
    setWindowOpenHandler: (handler) => (h.open = handler),
  };
  const fire = (event: 'navigate' | 'redirect', url: string) => {
    let prevented = false;
    h[event]!(url, () => (prevented = true));
    return prevented;
  };
  return { hooks, h, fire };
}

describe('guardNavigation', () => {
  function guarded() {
    const opened: string[] = [];
    const blocked: string[] = [];
    const c = fakeContents();
    guardNavigation(c.hooks, { staffOrigin: () => STAFF, allowedExternalHosts: DEFAULT_EXTERNAL_HOSTS, openExternal: (u) => opened.push(u), onBlocked: (what, u) => blocked.push(`${what} ${u}`) });
    return { ...c, opened, blocked };
  }

  it('lets the staff app navigate within its origin', () => {
    const g = guarded();
    expect(g.fire('navigate', `${STAFF}/leads`)).toBe(false);
    expect(g.fire('redirect', `${STAFF}/login`)).toBe(false);
    expect(g.opened).toEqual([]);
  });

  it('blocks navigation elsewhere; an allow-listed https link opens in the browser instead', () => {
    const g = guarded();
    expect(g.fire('navigate', 'https://evil.example/phish')).toBe(true);
    expect(g.fire('navigate', 'https://wa.me/60123456789')).toBe(true);
    expect(g.fire('redirect', 'https://wa.me/60123456789')).toBe(true);
    expect(g.opened).toEqual(['https://wa.me/60123456789']);
    expect(g.blocked).toEqual(['navigation https://evil.example/phish', 'redirect https://wa.me/60123456789']);
  });

  it('denies every new window, opening only allow-listed links externally', () => {
    const g = guarded();
    expect(g.h.open!('https://evil.example/')).toEqual({ action: 'deny' });
    expect(g.h.open!(`${STAFF}/inbox`)).toEqual({ action: 'deny' });
    expect(g.h.open!('https://developers.facebook.com/docs/whatsapp')).toEqual({ action: 'deny' });
    expect(g.opened).toEqual(['https://developers.facebook.com/docs/whatsapp']);
  });

  it('prevents every webview', () => {
    const g = guarded();
    let prevented = false;
    g.h.webview!(() => (prevented = true));
    expect(prevented).toBe(true);
  });

  it('follows the staff origin when the server restarts on another port', () => {
    let origin = STAFF;
    const c = fakeContents();
    guardNavigation(c.hooks, { staffOrigin: () => origin, allowedExternalHosts: [], openExternal: () => undefined });
    origin = 'http://127.0.0.1:5555';
    expect(c.fire('navigate', `${STAFF}/`)).toBe(true);
    expect(c.fire('navigate', 'http://127.0.0.1:5555/')).toBe(false);
  });
});

describe('permissions', () => {
  it('denies every permission request', () => {
    expect(permissionRequestAllowed()).toBe(false);
  });
  it('allows only the staff page to write to the clipboard', () => {
    expect(permissionCheckAllowed('clipboard-sanitized-write', `${STAFF}/`, STAFF)).toBe(true);
    expect(permissionCheckAllowed('clipboard-sanitized-write', 'https://evil.example', STAFF)).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) expect(permissionCheckAllowed(p, STAFF, STAFF)).toBe(false);
  });
});

describe('CSP', () => {
  it("keeps the server's own policy on staff responses", () => {
    const out = withCsp({ 'content-security-policy': ["default-src 'self'"], 'Content-Type': ['text/html'] }, `${STAFF}/`, STAFF);
    expect(out['Content-Security-Policy']).toEqual(["default-src 'self'"]);
    expect(out['content-security-policy']).toBeUndefined();
    expect(out['Content-Type']).toEqual(['text/html']);
  });
  it('adds one where a staff response has none', () => {
    expect(withCsp({}, `${STAFF}/x`, STAFF)['Content-Security-Policy']).toEqual([STAFF_CSP]);
    expect(STAFF_CSP).toContain("script-src 'self'");
  });
  it('forces a deny-all policy on anything else, replacing what it sent', () => {
    const out = withCsp({ 'Content-Security-Policy': ['script-src *'] }, 'https://evil.example/', STAFF);
    expect(out['Content-Security-Policy']).toEqual([DENY_ALL_CSP]);
  });
});

describe('window preferences', () => {
  it('isolate, sandbox and keep Node out of every page', () => {
    const prefs = secureWebPreferences('/app/preload.cjs', { devTools: false });
    expect(prefs).toMatchObject({ preload: '/app/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false, webSecurity: true, devTools: false });
  });
});
