import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Shared set-up of the browser tests: Debian's Chromium driven by Playwright. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Where `vite build` puts the staff UI, for the test server to serve. */
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

/** Builds the staff UI into dist/renderer when it is not there yet (`npm test` builds it first). */
export function ensureRendererBuilt(staticDir = RENDERER_DIR): void {
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  }
}

/** Headless Chromium with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface StaffPageOptions {
  /** The window; a 1280×720 desktop unless said. */
  viewport?: { width: number; height: number };
  /** Anything else the context needs (e.g. `acceptDownloads`); the locale is British English unless said. */
  contextOptions?: BrowserContextOptions;
  /** The origin allowed to read and write the clipboard (the staff UI's "Copy" buttons). */
  clipboardOrigin?: string;
  /** Runs in every page of the context before the page's own scripts, e.g. a stand-in for the desktop shell's bridge. */
  initScript?: () => void;
  /** Where the page's errors are recorded; pages given the same list share it. A new list unless said. */
  errors?: string[];
  /** Playwright's default wait for actions and waits on the page, in ms. */
  timeout?: number;
}

export interface StaffPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page, one line each (empty = none). */
  errors: string[];
}

/** A page of its own (a fresh context: no cookies) for the staff UI, with its errors recorded. */
export async function openStaffPage(browser: Browser, options: StaffPageOptions = {}): Promise<StaffPage> {
  const { viewport = { width: 1280, height: 720 }, contextOptions, clipboardOrigin, initScript, errors = [], timeout = 10_000 } = options;
  const context = await browser.newContext({ viewport, locale: 'en-GB', ...contextOptions });
  if (clipboardOrigin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: clipboardOrigin });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium logs every 4xx response; the tests provoke some on purpose.
    if (msg.type() === 'error' && !/the server responded with a status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, errors };
}

/** Saves what the page shows as test-results/screenshots/<name>.png, for a person to look at. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}

/** axe's serious and critical findings on the page, one readable line each (empty = none). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Fails the test on any serious or critical axe finding, listing them. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
}
