import { Secret, TOTP } from 'otpauth';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, HAS_CHROMIUM, RENDERER_DIR, ensureRendererBuilt, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../server/shared/actor.js';
import { clientFor, signIn as apiSignIn, startTestServer, type TestServer } from '../support/server.js';

/**
 * Staff accounts in a real Chromium against the real server: first-run setup, sign-in with its
 * error and lockout messages, user management, the audit log, the AI kill switch, a session that
 * ends under the user's hands, an agent kept out of user management, and sign-out.
 */

const BROWSER_TEST_MS = 60_000;

const ADMIN = { email: 'olivia@harbour.test', name: 'Olivia Owner', password: 'the tide comes in at six' };
const AGENT = { email: 'adam@harbour.test', name: 'Adam Agent', password: 'front desk all night long' };
const LATE = { email: 'lena@harbour.test', name: 'Lena Late', password: 'typed before the timeout' };
const HARBOUR = { name: 'Harbour View', slug: 'harbour-view', timezone: 'Asia/Kuala_Lumpur' };
const LAGOON = { name: 'Lagoon Lodge', slug: 'lagoon-lodge', timezone: 'Asia/Kuala_Lumpur' };
const BANNER_TEXT = 'AI paused for Harbour View — guests’ messages are stored but not answered automatically.';

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: accounts, audit log and kill switch' : `staff UI: accounts (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let harbourId: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    server = await startTestServer({ noAdmin: true, staticDir: RENDERER_DIR });
    harbourId = server.core.properties.create(HARBOUR, cliActor('test')).id;
    server.core.properties.create(LAGOON, cliActor('test'));
    browser = await launchChromium();
    ({ context, page } = await openStaffPage(browser, { errors: browserErrors }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The browser's session cookie, to ask the server directly what it thinks of that session. */
  async function browserCookie(): Promise<string> {
    const session = (await context.cookies(server.staffUrl)).find((c) => c.name === 'nocturn_session');
    expect(session).toBeTruthy();
    return `${session!.name}=${session!.value}`;
  }

  async function sessionFor(cookie: string): Promise<{ authenticated: boolean; csrfToken?: string; user?: { email: string; role: string } }> {
    const res = await fetch(`${server.staffUrl}/api/v1/auth/session`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return (await res.json()) as { authenticated: boolean; csrfToken?: string; user?: { email: string; role: string } };
  }

  const nav = () => page.getByRole('navigation', { name: 'Main' });
  const banner = () => page.getByRole('region', { name: 'AI paused' });

  /**
   * The main navigation's link names. The Inbox link's accessible name also carries how many
   * conversations wait for a person ("Inbox 3 waiting for a person"), so it is matched by its start.
   */
  async function navItems(): Promise<string[]> {
    return (await nav().getByRole('link').allInnerTexts()).map((t) => (t.trim().startsWith('Inbox') ? 'Inbox' : t.trim()));
  }

  /** What a role must and must not find in the navigation (the order and the rest may grow). */
  async function expectNav(shown: readonly string[], hidden: readonly string[]): Promise<void> {
    const items = await navItems();
    for (const item of shown) expect(items, `"${item}" should be in the navigation`).toContain(item);
    for (const item of hidden) expect(items, `"${item}" should not be in the navigation`).not.toContain(item);
    // Everyone gets exactly one link to the inbox, matched by substring since it shows the waiting count.
    expect(await nav().getByRole('link', { name: 'Inbox' }).count()).toBe(shown.includes('Inbox') ? 1 : 0);
  }

  async function openProperties(): Promise<void> {
    await nav().getByRole('link', { name: 'Properties', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Properties' }).waitFor();
  }

  async function signIn(email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing out returned the page to its home screen, so everyone starts on the Inbox.
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
  }

  it(
    'first-run setup creates the admin with the one-time token and lands signed in',
    async () => {
      expect(server.setupToken).toBeTruthy();
      await page.goto(server.staffUrl);
      await page.getByRole('heading', { level: 1, name: 'Set up Nocturn' }).waitFor();
      await expectNoSeriousA11yViolations(page);

      // A wrong token is refused and nothing is created.
      await page.getByLabel('Setup token').fill('not-the-token');
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Your name').fill(ADMIN.name);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create administrator' }).click();
      await page.getByRole('alert').getByText('The setup token is wrong').waitFor();
      expect(server.core.users.hasUsers()).toBe(false);
      await screenshot(page, 'access-setup');

      await page.getByLabel('Setup token').fill(server.setupToken!);
      await page.getByRole('button', { name: 'Create administrator' }).click();
      // The desk lands on the Inbox, marked as the current page.
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      expect(await nav().getByRole('link', { name: 'Inbox' }).getAttribute('aria-current')).toBe('page');
      // An admin sees every area, user management and the audit log included.
      await expectNav(['Inbox', 'Leads', 'Knowledge', 'Reports', 'Properties', 'AI switch', 'System', 'Privacy', 'Audit log', 'Users', 'Your account'], []);

      const session = await sessionFor(await browserCookie());
      expect(session).toMatchObject({ authenticated: true, user: { email: ADMIN.email, role: 'admin' } });
      // The token died with its first use.
      const again = await fetch(`${server.staffUrl}/api/v1/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: server.setupToken, email: 'second@harbour.test', displayName: 'Second', password: 'another long passphrase' }),
      });
      expect(again.status).toBe(403);
    },
    BROWSER_TEST_MS,
  );

  it(
    'pauses the AI for one hotel after a confirmation with a reason, and every screen shows the banner',
    async () => {
      await openProperties();
      await page.getByRole('link', { name: HARBOUR.name }).click();
      await page.getByRole('heading', { level: 1, name: HARBOUR.name }).waitFor();
      const panel = page.getByRole('region', { name: 'AI replies' });
      await panel.getByText('AI replies on').waitFor();

      // Cancelling the confirmation changes nothing.
      await panel.getByRole('button', { name: 'Pause AI for Harbour View' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Pause the AI for Harbour View?' });
      await confirm.waitFor();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect(server.core.ai.forProperty(harbourId).paused).toBe(false);

      await panel.getByRole('button', { name: 'Pause AI for Harbour View' }).click();
      await confirm.getByLabel('Reason').fill('Menu prices are out of date');
      await confirm.getByRole('button', { name: 'Pause AI now' }).click();
      await panel.getByRole('status').getByText('AI paused for Harbour View.').waitFor();
      await banner().getByText(BANNER_TEXT).waitFor();
      expect(await banner().textContent()).toContain('Reason: Menu prices are out of date.');
      expect(server.core.ai.forProperty(harbourId)).toMatchObject({ paused: true, pausedBy: 'property', reason: 'Menu prices are out of date' });
      expect(server.core.ai.forProperty(server.core.properties.get(LAGOON.slug).id).paused).toBe(false);

      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'access-settings-kill-switch');
      await expectNoSeriousA11yViolations(page);

      // The banner is on other screens too, with Resume for an admin.
      await nav().getByRole('link', { name: 'AI switch' }).click();
      await page.getByRole('heading', { level: 1, name: 'AI switch' }).waitFor();
      await banner().getByText(BANNER_TEXT).waitFor();
      expect(await banner().getByRole('button', { name: 'Resume AI for Harbour View' }).count()).toBe(1);
      await page.getByRole('listitem').filter({ hasText: LAGOON.name }).getByText('AI replies on').waitFor();
      await screenshot(page, 'access-ai-switch');
      await expectNoSeriousA11yViolations(page);
    },
    BROWSER_TEST_MS,
  );

  it(
    'creates an agent granted one hotel, showing the server’s field errors first',
    async () => {
      await nav().getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
      await page.getByRole('row', { name: new RegExp(ADMIN.name) }).waitFor();

      await page.getByRole('button', { name: 'New user' }).click();
      await page.getByLabel('Email').fill(AGENT.email);
      await page.getByLabel('Name', { exact: true }).fill(AGENT.name);
      const password = page.getByLabel('Password', { exact: true });
      await password.fill('too short');
      await page.getByLabel('Role').selectOption('agent');
      await page.getByLabel('Only the hotels ticked below').check();
      await page.getByLabel(HARBOUR.name).check();
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Create user' }).click(),
      ]);
      expect(response.status()).toBe(400);
      const problem = (await response.json()) as { errors: { path: string; message: string }[] };
      const serverMessage = problem.errors.find((e) => e.path === 'password')?.message;
      expect(serverMessage).toBeTruthy();
      await page.getByRole('alert').getByText('Could not create the user').waitFor();
      expect(await password.getAttribute('aria-invalid')).toBe('true');
      const errorId = (await password.getAttribute('aria-describedby'))?.split(' ').find((d) => d.endsWith('-error'));
      expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe(serverMessage);
      await screenshot(page, 'access-new-user-error');

      await password.fill(AGENT.password);
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('status').getByText(`Created an account for ${AGENT.name}.`).waitFor();
      const row = page.getByRole('row', { name: new RegExp(AGENT.name) });
      expect(await row.getByRole('cell').allTextContents()).toEqual([AGENT.email, 'Agent', HARBOUR.name, 'Active', 'Off']);
      expect(await page.getByRole('row', { name: new RegExp(ADMIN.name) }).getByRole('cell').allTextContents()).toEqual([
        ADMIN.email,
        'Admin',
        'All hotels',
        'Active',
        'Off',
      ]);

      const created = server.core.users.byEmail(AGENT.email);
      expect(created).toMatchObject({ role: 'agent', allProperties: false, propertyIds: [harbourId], active: true });
      await screenshot(page, 'access-users');
      await expectNoSeriousA11yViolations(page);
    },
    BROWSER_TEST_MS,
  );

  it(
    'keeps what was typed when the session ends, and sends it after signing in again',
    async () => {
      await page.getByRole('button', { name: 'New user' }).click();
      await page.getByLabel('Email').fill(LATE.email);
      await page.getByLabel('Name', { exact: true }).fill(LATE.name);
      await page.getByLabel('Password', { exact: true }).fill(LATE.password);
      await page.getByLabel('Role').selectOption('manager');
      await page.getByLabel('All hotels, including ones added later').check();

      // The session ends behind the page's back (as an idle timeout would).
      const cookie = await browserCookie();
      const { csrfToken } = await sessionFor(cookie);
      expect((await clientFor(server.staffUrl, cookie, csrfToken!).post('/api/v1/auth/logout')).status).toBe(204);

      await page.getByRole('button', { name: 'Create user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
      await dialog.waitFor();
      expect(await dialog.getByLabel('Email').inputValue()).toBe(ADMIN.email);
      expect(server.core.users.byEmail(LATE.email)).toBeUndefined();
      await screenshot(page, 'access-session-ended');
      await expectNoSeriousA11yViolations(page);

      await dialog.getByLabel('Password').fill(ADMIN.password);
      await dialog.getByRole('button', { name: 'Sign in' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('status').getByText(`Created an account for ${LATE.name}.`).waitFor();
      expect(server.core.users.byEmail(LATE.email)).toMatchObject({ displayName: LATE.name, role: 'manager', allProperties: true });
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Users');
    },
    BROWSER_TEST_MS,
  );

  it(
    'audit log: newest first, filters, before/after details, older pages and the integrity check',
    async () => {
      // Enough entries for more than one page.
      for (let i = 0; i < 30; i++) server.core.properties.update(LAGOON.slug, { retentionDays: 100 + i }, cliActor('test'));
      const all = server.core.audit.page({ propertyIds: null, includeGroupWide: true, limit: 1000 }).items;

      await nav().getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      const actions = page.locator('.audit-row td:nth-child(2) code');
      await page.getByText('Showing 25 entries, newest first.').waitFor();
      expect(await actions.count()).toBe(25);
      while ((await page.getByRole('button', { name: 'Load older' }).count()) > 0) {
        const before = await actions.count();
        await page.getByRole('button', { name: 'Load older' }).click();
        await expect.poll(() => actions.count()).toBeGreaterThan(before);
      }
      await page.getByText(`Showing ${all.length} entries, the oldest included.`).waitFor();
      // Every entry once, in the server's newest-first order.
      expect(await actions.allTextContents()).toEqual(all.map((e) => e.action));

      await page.getByLabel('Action').selectOption('ai.pause');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('Showing 1 entry, the oldest included.').waitFor();
      expect(await actions.allTextContents()).toEqual(['ai.pause']);
      const row = page.locator('.audit-row').first();
      const rowText = (await row.textContent()) ?? '';
      // Who (by name), what (a sentence) and where (the hotel).
      for (const shown of [`Paused the AI assistant at ${HARBOUR.name}: Menu prices are out of date`, ADMIN.name, HARBOUR.name]) expect(rowText).toContain(shown);
      await row.getByRole('button', { name: /^Details/ }).click();
      expect(await row.getByRole('button', { name: /^Hide/ }).getAttribute('aria-expanded')).toBe('true');
      const changed = page.getByRole('table', { name: 'What changed' });
      expect(await changed.getByRole('row', { name: /Paused/ }).textContent()).toMatch(/Paused\s*no\s*yes/);
      const after = page.getByRole('figure', { name: 'After' });
      expect(JSON.parse((await after.locator('pre').textContent()) ?? 'null')).toEqual({ paused: true, reason: 'Menu prices are out of date' });
      expect(JSON.parse((await page.getByRole('figure', { name: 'Before' }).locator('pre').textContent()) ?? 'null')).toEqual({ paused: false });

      await page.getByRole('button', { name: 'Verify integrity' }).click();
      await page.getByRole('status').getByText(/^Intact: all \d+ entries check out/).waitFor();
      await screenshot(page, 'access-audit');
      await expectNoSeriousA11yViolations(page);

      // The hotel filter narrows to that hotel: Lagoon Lodge was never paused.
      await page.getByLabel('Hotel').selectOption({ label: LAGOON.name });
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('No entries match these filters').waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByText('Showing 25 entries, newest first.').waitFor();
    },
    BROWSER_TEST_MS,
  );

  it(
    'a wrong password shows the error, and repeated failures show a lockout until the wait is over',
    async () => {
      await nav().getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await page.getByText('You have signed out.').waitFor();

      await page.getByLabel('Email').fill(AGENT.email);
      await page.getByLabel('Password').fill('not my password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('Could not sign in: Wrong email or password').waitFor();
      expect(await page.getByLabel('Password').inputValue()).toBe('');

      // The server delays repeated failures; keep failing until it refuses to check at all.
      let status = 401;
      for (let attempt = 0; attempt < 6 && status !== 429; attempt++) {
        await page.getByLabel('Password').fill('still not my password');
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        status = response.status();
      }
      expect(status).toBe(429);
      const alert = page.getByRole('alert');
      await alert.getByText('Sign-in is locked for now').waitFor();
      // "1 second" when the lock is that short: the server says it in good English.
      expect(await alert.textContent()).toMatch(/Too many failed sign-ins\. Try again in (1 second|\d+ seconds|\d+ minutes)\./);
      const button = page.getByRole('button', { name: 'Sign in' });
      expect(await button.isDisabled()).toBe(true);
      await screenshot(page, 'access-sign-in-locked');
      await expectNoSeriousA11yViolations(page);

      // After the wait the button comes back and the right password works.
      await expect.poll(() => button.isEnabled(), { timeout: 20_000, interval: 250 }).toBe(true);
      await alert.getByText('you can try again now').waitFor();
      await signIn(AGENT.email, AGENT.password);
    },
    BROWSER_TEST_MS,
  );

  it(
    'an agent sees only their hotel and the pause, and cannot reach user management or the audit log',
    async () => {
      // An agent works the desk: no user management, audit log, system health or reports.
      await expectNav(['Inbox', 'Leads', 'Knowledge', 'Properties', 'AI switch', 'Your account'], ['Users', 'Audit log', 'System', 'Reports', 'Privacy']);
      await openProperties();
      expect(await page.getByRole('row').filter({ hasText: LAGOON.name }).count()).toBe(0);
      await page.getByRole('row', { name: new RegExp(HARBOUR.name) }).waitFor();
      // The banner shows, but resuming is for managers and admins.
      await banner().getByText(BANNER_TEXT).waitFor();
      expect(await banner().getByRole('button').count()).toBe(0);

      // A typed-in address to a screen the role may not open says so, without asking the server for its data.
      const usersAsked: string[] = [];
      const onRequest = (r: { url(): string }) => {
        if (new URL(r.url()).pathname === '/api/v1/users') usersAsked.push(r.url());
      };
      page.on('request', onRequest);
      await page.goto(`${server.staffUrl}/#/users`);
      await page.getByRole('heading', { level: 1, name: 'Not available to your role' }).waitFor();
      await page.getByRole('alert').getByRole('heading', { name: 'You don’t have access' }).waitFor();
      await page.getByText('This screen is for administrators; you are signed in as an agent.').waitFor();
      page.off('request', onRequest);
      expect(usersAsked).toEqual([]);
      const text = (await page.locator('main').textContent()) ?? '';
      for (const leaked of [ADMIN.email, ADMIN.name, LATE.email, AGENT.email]) expect(text).not.toContain(leaked);
      expect(await page.getByRole('table').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'New user' }).count()).toBe(0);
      await screenshot(page, 'access-users-denied');
      await expectNoSeriousA11yViolations(page);

      await page.goto(`${server.staffUrl}/#/audit`);
      await page.getByRole('heading', { level: 1, name: 'Not available to your role' }).waitFor();
      await page.getByRole('alert').getByRole('heading', { name: 'You don’t have access' }).waitFor();
      expect(await page.getByRole('button', { name: 'Verify integrity' }).count()).toBe(0);
    },
    BROWSER_TEST_MS,
  );

  it(
    'signing out returns to sign-in and ends the session on the server',
    async () => {
      const cookie = await browserCookie();
      expect((await sessionFor(cookie)).authenticated).toBe(true);
      await nav().getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await page.getByText('You have signed out.').waitFor();
      expect((await sessionFor(cookie)).authenticated).toBe(false);
      expect((await fetch(`${server.staffUrl}/api/v1/properties`, { headers: { cookie } })).status).toBe(401);
    },
    BROWSER_TEST_MS,
  );

  it(
    'an admin resumes the AI from the banner',
    async () => {
      await signIn(ADMIN.email, ADMIN.password);
      await banner().getByRole('button', { name: 'Resume AI for Harbour View' }).click();
      await banner().waitFor({ state: 'detached' });
      expect(server.core.ai.forProperty(harbourId).paused).toBe(false);
    },
    BROWSER_TEST_MS,
  );

  it(
    'account: changing the password signs out the other sessions; two-factor enrolment shows the otpauth URI',
    async () => {
      const elsewhere = await apiSignIn(server.staffUrl, ADMIN.email, ADMIN.password);
      expect((await sessionFor(elsewhere.cookie)).authenticated).toBe(true);

      await nav().getByRole('link', { name: 'Your account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
      const newPassword = 'a fresh passphrase for the night shift';
      await page.getByLabel('Current password').fill(ADMIN.password);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Repeat new password').fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('status').getByText('every other session of your account has been signed out').waitFor();
      expect((await sessionFor(elsewhere.cookie)).authenticated).toBe(false);
      expect((await sessionFor(await browserCookie())).authenticated).toBe(true);
      expect(await page.getByLabel('Current password').inputValue()).toBe('');

      await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      const uri = (await page.getByLabel('Setup link').textContent()) ?? '';
      expect(uri).toMatch(/^otpauth:\/\/totp\//);
      const secret = new URL(uri).searchParams.get('secret')!;
      await screenshot(page, 'access-account');
      await expectNoSeriousA11yViolations(page);
      await page.getByLabel('Code from the app').fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
      await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
      await page.getByRole('status').getByText('Two-factor sign-in is on.').waitFor();
      expect(server.core.users.byEmail(ADMIN.email)?.totpEnabled).toBe(true);
    },
    BROWSER_TEST_MS,
  );

  it('logs no script errors or CSP violations in the browser', () => {
    expect(browserErrors).toEqual([]);
  });
});
