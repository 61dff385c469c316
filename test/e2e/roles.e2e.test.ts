import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/contract/auth.js';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { cliActor } from '../../server/shared/actor.js';
import { CHROMIUM, HAS_CHROMIUM, ROOT, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

/**
 * Each role walks every screen of the staff app in a real Chromium: a screen the role may not open
 * says so instead of showing forms, controls the role cannot use are not offered (or are read-only
 * with the reason), and no screen asks the server for something it then refuses with 403.
 */

const BROWSER_TEST_MS = 120_000;
const HOTEL = { name: 'Seri Malaya Hotel', slug: 'seri-malaya', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' };
const CLOSED = 'Not available to your role';

interface Visit {
  name: string;
  hash: (hotelId: string) => string;
  /** Roles that may open it; the others get the "not available" screen. */
  roles: readonly Role[];
}

// What each role finds, as the staff would describe it (mirrors the permission table in server/contract).
const SCREENS: readonly Visit[] = [
  { name: 'Inbox', hash: () => '#/inbox', roles: ['agent', 'manager', 'admin'] },
  { name: 'Leads', hash: () => '#/leads', roles: ['agent', 'manager', 'admin'] },
  { name: 'Knowledge', hash: (id) => `#/knowledge/${id}`, roles: ['agent', 'manager', 'admin'] },
  { name: 'Reports', hash: (id) => `#/reports/${id}`, roles: ['manager', 'admin'] },
  { name: 'Properties', hash: () => '#/properties', roles: ['agent', 'manager', 'admin'] },
  { name: 'Hotel settings', hash: (id) => `#/properties/${id}`, roles: ['agent', 'manager', 'admin'] },
  { name: 'Set-up guide', hash: () => '#/welcome', roles: ['admin'] },
  { name: 'AI switch', hash: () => '#/ai', roles: ['agent', 'manager', 'admin'] },
  { name: 'System', hash: () => '#/system', roles: ['admin'] },
  { name: 'Privacy', hash: () => '#/privacy', roles: ['admin'] },
  { name: 'Audit log', hash: () => '#/audit', roles: ['manager', 'admin'] },
  { name: 'Users', hash: () => '#/users', roles: ['admin'] },
  { name: 'Your account', hash: () => '#/account', roles: ['agent', 'manager', 'admin'] },
];

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: every role on every screen' : `staff UI: roles (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let staticDir: string;
  let hotelId = '';
  const people: Record<Role, { email: string; password: string }> = {
    admin: ADMIN,
    manager: { email: 'gm@nocturn.test', password: ADMIN.password },
    agent: { email: 'desk@nocturn.test', password: ADMIN.password },
  };

  beforeAll(async () => {
    // Built into a folder of this test's own, so it is the current code whatever else is in dist/.
    staticDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-roles-ui-'));
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', staticDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    server = await startTestServer({ staticDir, env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_EMBEDDER: 'none' } });
    const res = await server.admin.post('/api/v1/properties', HOTEL);
    hotelId = ((await res.json()) as { id: string }).id;
    const seeder = cliActor('e2e seed');
    for (const role of ['manager', 'agent'] as const) {
      await server.core.users.create({ email: people[role].email, displayName: `The ${role}`, password: people[role].password, role, allProperties: true, propertyIds: [] }, seeder);
    }
    const msg: InboundMessage = {
      channel: 'test',
      threadKey: 'roles-1',
      externalId: 'roles-1',
      text: 'I would like to book a room for 2 adults from 24 to 27 December',
      from: { name: 'Aisha Rahman', phone: '+60123456001' },
      receivedAt: new Date(),
    };
    await server.core.pipeline.handle(server.core.properties.scope(HOTEL.slug), msg);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  });

  async function signedIn(role: Role): Promise<{ page: Page; refused: string[]; errors: string[] }> {
    const { page, errors } = await openStaffPage(browser, { timeout: 15_000 });
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 403 && new URL(r.url()).pathname.startsWith('/api/')) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(server.staffUrl);
    await page.getByLabel('Email').fill(people[role].email);
    await page.getByLabel('Password').fill(people[role].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    return { page, refused, errors };
  }

  async function open(page: Page, visit: Visit): Promise<'open' | 'closed'> {
    await page.goto(`${server.staffUrl}/${visit.hash(hotelId)}`);
    const h1 = page.getByRole('heading', { level: 1 });
    await h1.waitFor();
    // Lazy screens show "Loading…" first; wait until the screen's own content is there.
    await page.locator('main', { hasText: 'Loading' }).waitFor({ state: 'detached' });
    return (await h1.textContent()) === CLOSED ? 'closed' : 'open';
  }

  for (const role of ['agent', 'manager', 'admin'] as const) {
    it(
      `${role}: opens exactly the screens the role may use, and none of them is refused by the server`,
      async () => {
        const { page, refused, errors } = await signedIn(role);
        for (const visit of SCREENS) {
          const expected = visit.roles.includes(role) ? 'open' : 'closed';
          expect(await open(page, visit), `${role} on ${visit.name}`).toBe(expected);
          if (expected === 'closed') {
            await page.getByText(/This screen is for (managers and administrators|administrators)/).waitFor();
          } else {
            expect(await page.getByRole('heading', { name: 'You don’t have access' }).count(), `${role} on ${visit.name}: the server refused its data`).toBe(0);
          }
          await screenshot(page, `roles-${role}-${visit.name.toLowerCase().replace(/\W+/g, '-')}`);
        }
        // The navigation offers the same screens the walk found open.
        const nav = (await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).map((t) => t.trim().replace(/^Inbox.*/s, 'Inbox'));
        for (const visit of SCREENS.filter((v) => ['Reports', 'System', 'Privacy', 'Audit log', 'Users'].includes(v.name))) {
          expect(nav.includes(visit.name), `${role}: ${visit.name} in the navigation`).toBe(visit.roles.includes(role));
        }
        expect(refused, `${role}: requests the server refused`).toEqual([]);
        expect(errors).toEqual([]);
        await page.context().close();
      },
      BROWSER_TEST_MS,
    );
  }

  it(
    'an agent reads hotel settings but is not offered forms: no New hotel, read-only settings with the reason, no knowledge editing',
    async () => {
      const { page, refused } = await signedIn('agent');
      await open(page, SCREENS.find((s) => s.name === 'Properties')!);
      await page.getByRole('link', { name: HOTEL.name }).waitFor();
      expect(await page.getByRole('button', { name: 'New hotel' }).count()).toBe(0);

      await open(page, SCREENS.find((s) => s.name === 'Hotel settings')!);
      await page.getByText('Read only: Only managers and administrators can change hotel settings.').waitFor();
      expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(HOTEL.name);
      expect(await page.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
      // The desk-hours and closures editors' add and remove buttons are there to read, but cannot be pressed.
      const formButtons = await page.locator('form.settings').getByRole('button').evaluateAll((els) => els.map((e) => e.matches(':disabled')));
      expect(formButtons.length).toBeGreaterThan(0);
      expect(formButtons.every(Boolean)).toBe(true);
      // Channels are for managers and admins: the agent's hotel page has no channel set-up.
      expect(await page.getByRole('button', { name: /Set up WhatsApp/ }).count()).toBe(0);

      await open(page, SCREENS.find((s) => s.name === 'Knowledge')!);
      expect(await page.getByRole('button', { name: 'New item' }).count()).toBe(0);
      await screenshot(page, 'roles-agent-knowledge-read-only');
      expect(refused).toEqual([]);
      await page.context().close();
    },
    BROWSER_TEST_MS,
  );

  it(
    'a manager changes hotel settings and sees channels but cannot set them up; an admin can, and is warned about the trial key',
    async () => {
      const manager = await signedIn('manager');
      await open(manager.page, SCREENS.find((s) => s.name === 'Hotel settings')!);
      expect(await manager.page.getByLabel('Name', { exact: true }).isDisabled()).toBe(false);
      expect(await manager.page.getByText(/^Read only/).count()).toBe(0);
      await manager.page.getByRole('heading', { name: 'WhatsApp' }).waitFor();
      expect(await manager.page.getByRole('button', { name: /Set up WhatsApp/ }).count()).toBe(0);
      expect(await manager.page.getByRole('button', { name: 'New hotel' }).count()).toBe(0);
      await manager.page.context().close();

      const admin = await signedIn('admin');
      await open(admin.page, SCREENS.find((s) => s.name === 'Hotel settings')!);
      await admin.page.getByRole('button', { name: /Set up WhatsApp/ }).waitFor();
      await open(admin.page, SCREENS.find((s) => s.name === 'Properties')!);
      await admin.page.getByRole('button', { name: 'New hotel' }).waitFor();
      // The test server runs on the trial key file: the System screen says so plainly, and how to set a real key.
      await open(admin.page, SCREENS.find((s) => s.name === 'System')!);
      const warning = admin.page.getByRole('alert').filter({ hasText: 'Action needed: set a real master key' });
      await warning.getByText(/NOCTURN_MASTER_KEY/).waitFor();
      expect(await admin.page.getByRole('row', { name: /Encryption keys/ }).textContent()).toContain('Needs action');
      await screenshot(admin.page, 'roles-admin-system-trial-key');
      expect(admin.refused).toEqual([]);
      await admin.page.context().close();
    },
    BROWSER_TEST_MS,
  );
});
