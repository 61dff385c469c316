/**
 * Window hardening (REFERENCE.md section 6): the only page a window may show is the staff
 * listener; external https links open in the system browser after an allow-list check; new
 * windows, webviews and permission requests are denied; every response carries a CSP.
 */

/** Hosts staff may be sent to from the app (help pages of the services Nocturn connects to). */
export const DEFAULT_EXTERNAL_HOSTS: readonly string[] = [
  'wa.me',
  'www.whatsapp.com',
  'business.whatsapp.com',
  'business.facebook.com',
  'developers.facebook.com',
  'app.sendgrid.com',
  'app.mailgun.com',
  'account.postmarkapp.com',
  'dash.cloudflare.com',
  'developers.cloudflare.com',
  'dashboard.ngrok.com',
  'ollama.com',
];

/** The CSP added to staff responses that lack one (the server sends its own; this is the floor). */
export const STAFF_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** Anything else that somehow loads may do nothing. */
export const DENY_ALL_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `http://127.0.0.1:4310` for a URL on the staff listener; undefined for anything unparsable or opaque. */
export function originOf(url: string): string | undefined {
  const u = parse(url);
  if (!u || u.origin === 'null') return undefined;
  return u.origin;
}

/** True only for a URL on exactly the staff origin (scheme, host and port). */
export function isStaffUrl(url: string, staffOrigin: string | undefined): boolean {
  return staffOrigin !== undefined && originOf(url) === staffOrigin;
}

/** A host pattern: `example.com` (exactly) or `*.example.com` (any subdomain, not the apex). */
export function hostMatches(hostname: string, pattern: string): boolean {
  const host = hostname.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return host === p;
}

/** External links: https only, default port, no credentials, host on the allow-list. */
export function isAllowedExternalUrl(url: string, allowedHosts: readonly string[]): boolean {
  const u = parse(url);
  if (!u || u.protocol !== 'https:') return false;
  if (u.username || u.password || u.port !== '') return false;
  return allowedHosts.some((p) => hostMatches(u.hostname, p));
}

/** The navigation events of one web contents, adapted from Electron in main.ts. */
export interface NavigationHooks {
  onWillNavigate(listener: (url: string, prevent: () => void) => void): void;
  onWillRedirect(listener: (url: string, prevent: () => void) => void): void;
  onWillAttachWebview(listener: (prevent: () => void) => void): void;
  setWindowOpenHandler(handler: (url: string) => { action: 'deny' }): void;
}

export interface NavigationPolicy {
  staffOrigin: () => string | undefined;
  allowedExternalHosts: readonly string[];
  openExternal: (url: string) => void;
  onBlocked?: (what: 'navigation' | 'redirect' | 'window' | 'webview', url: string) => void;
}

/** Applied to every web contents ever created (`app.on('web-contents-created')`). */
export function guardNavigation(hooks: NavigationHooks, policy: NavigationPolicy): void {
  const leave = (what: 'navigation' | 'window', url: string) => {
    if (isAllowedExternalUrl(url, policy.allowedExternalHosts)) policy.openExternal(url);
    else policy.onBlocked?.(what, url);
  };
  hooks.onWillNavigate((url, prevent) => {
    if (isStaffUrl(url, policy.staffOrigin())) return;
    prevent();
    leave('navigation', url);
  });
  hooks.onWillRedirect((url, prevent) => {
    if (isStaffUrl(url, policy.staffOrigin())) return;
    prevent();
    policy.onBlocked?.('redirect', url);
  });
  // "We never intend to open webviews or windows. Prevent it completely." (Signal Desktop)
  hooks.onWillAttachWebview((prevent) => {
    prevent();
    policy.onBlocked?.('webview', '');
  });
  hooks.setWindowOpenHandler((url) => {
    leave('window', url);
    return { action: 'deny' };
  });
}

/** Permission requests (camera, notifications, geolocation, ...) are all denied. */
export function permissionRequestAllowed(): false {
  return false;
}

/**
 * Permission checks: everything denied except the staff page writing plain text to the clipboard
 * (copy a booking reference), which Chromium checks rather than requests.
 */
export function permissionCheckAllowed(permission: string, requestingOrigin: string, staffOrigin: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && staffOrigin !== undefined && originOf(requestingOrigin) === staffOrigin;
}

/**
 * For `session.webRequest.onHeadersReceived`: keeps the server's CSP on staff responses (adding
 * STAFF_CSP where one is missing) and forces DENY_ALL_CSP on anything else.
 */
export function withCsp(headers: Record<string, string[]> | undefined, url: string, staffOrigin: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let existing: string[] | undefined;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') existing = value;
    else out[name] = value;
  }
  const staff = isStaffUrl(url, staffOrigin);
  out['Content-Security-Policy'] = staff && existing && existing.length > 0 ? existing : [staff ? STAFF_CSP : DENY_ALL_CSP];
  return out;
}

/** The webPreferences of every Nocturn window. */
export function secureWebPreferences(preload: string, opts: { devTools: boolean }) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    devTools: opts.devTools,
  } as const;
}
