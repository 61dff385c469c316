import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, ROOT, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

/** The set-up guide continues where it stopped: after a reload, and in a new window that never saw it. */

const BROWSER_TEST_MS = 90_000;

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: the set-up guide resumes' : `staff UI: set-up guide (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let staticDir: string;

  beforeAll(async () => {
    staticDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-setup-ui-'));
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', staticDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    server = await startTestServer({ staticDir, env: { NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300' } });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  });

  async function signedIn(): Promise<Page> {
    const { page } = await openStaffPage(browser);
    await page.goto(server.staffUrl);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    return page;
  }

  const currentStep = async (page: Page) => (await page.getByRole('list', { name: 'Steps' }).locator('[aria-current="step"]').textContent())?.replace(/^\d+\s*/, '').trim();

  it(
    'continues at the step reached after a reload and in a new window, and offers Continue setup on the Properties screen',
    async () => {
      const page = await signedIn();
      await page.goto(`${server.staffUrl}/#/welcome`);
      await page.getByRole('heading', { level: 1, name: 'Set up your hotel' }).waitFor();
      expect(await currentStep(page)).toBe('Hotel');
      await page.getByLabel('Hotel name').fill('Seri Malaya');
      await page.getByLabel('Time zone').fill('Asia/Kuala_Lumpur');
      await page.getByLabel('Currency').fill('MYR');
      await page.getByRole('button', { name: 'Create the hotel and continue' }).click();
      await page.getByRole('heading', { level: 2, name: 'Desk and quiet hours' }).waitFor();
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.getByRole('heading', { level: 2, name: 'What the assistant should know' }).waitFor();
      await expect.poll(async () => ((await (await server.admin.get('/api/v1/setup-progress')).json()) as { progress: { step: string } | null }).progress?.step).toBe('Knowledge');

      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Set up Seri Malaya' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'What the assistant should know' }).waitFor();
      expect(await currentStep(page)).toBe('Knowledge');
      await page.getByText('Continuing where you stopped with Seri Malaya: step 3, Knowledge.').waitFor();
      await screenshot(page, 'setup-resumed-after-reload');
      await expectNoSeriousA11yViolations(page);
      await page.context().close();

      // A new window (no session storage, another sign-in) finds the way back from the Properties screen.
      const fresh = await signedIn();
      await fresh.goto(`${server.staffUrl}/#/properties`);
      const note = fresh.getByText('The set-up of Seri Malaya stopped at step 3, Knowledge.');
      await note.waitFor();
      await fresh.getByRole('link', { name: 'Continue setup' }).click();
      await fresh.getByRole('heading', { level: 2, name: 'What the assistant should know' }).waitFor();
      expect(await currentStep(fresh)).toBe('Knowledge');

      // Skipping to the end and choosing another hotel starts afresh, and the Properties screen stops offering it.
      await fresh.getByRole('button', { name: 'Next: channels' }).click();
      await fresh.getByRole('button', { name: 'Next: tunnel' }).click();
      await fresh.getByRole('button', { name: 'Finish' }).click();
      await fresh.getByRole('heading', { level: 2, name: 'Seri Malaya is ready' }).waitFor();
      await fresh.goto(`${server.staffUrl}/#/properties`);
      await fresh.getByRole('link', { name: 'Seri Malaya' }).waitFor();
      expect(await fresh.getByRole('link', { name: 'Continue setup' }).count()).toBe(0);
      await fresh.goto(`${server.staffUrl}/#/welcome`);
      await fresh.getByRole('button', { name: 'Set up another hotel' }).click();
      expect(await currentStep(fresh)).toBe('Hotel');
      await expect.poll(async () => ((await (await server.admin.get('/api/v1/setup-progress')).json()) as { progress: unknown }).progress).toBeNull();
      await fresh.context().close();
    },
    BROWSER_TEST_MS,
  );
});
