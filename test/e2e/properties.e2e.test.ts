import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, HAS_CHROMIUM, RENDERER_DIR, ensureRendererBuilt, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

/** The staff UI driven in a real Chromium against the real server and the built renderer. */

const BROWSER_TEST_MS = 60_000;

const hotel = { name: 'Seri Malaya Hotel', slug: 'seri-malaya', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' };

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: properties' : `staff UI: properties (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    server = await startTestServer({ staticDir: RENDERER_DIR });
    browser = await launchChromium();
    ({ page } = await openStaffPage(browser, { errors: browserErrors }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Reads through the API as the test's own signed-in admin, independent of the browser. */
  async function apiGet(pathname: string): Promise<Record<string, unknown>> {
    const res = await server.admin.get(`/api/v1${pathname}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  async function onlyHotelId(): Promise<string> {
    const { items } = (await apiGet('/properties')) as { items: { id: string; slug: string }[] };
    expect(items.map((p) => p.slug)).toEqual([hotel.slug]);
    return items[0]!.id;
  }

  it(
    'asks for a sign-in, then shows the empty state on a fresh install',
    async () => {
      await page.goto(server.staffUrl);
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await screenshot(page, 'sign-in');
      await expectNoSeriousA11yViolations(page);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('Could not sign in').waitFor();
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();

      // The desk lands on the Inbox; hotels are managed under Properties.
      const nav = page.getByRole('navigation', { name: 'Main' });
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      await nav.getByRole('link', { name: 'Properties', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Properties' }).waitFor();
      expect(new URL(page.url()).hash).toBe('#/properties');
      await page.getByText('No hotels yet — create the first one').waitFor();
      expect(await nav.getByRole('link', { name: 'Properties', exact: true }).getAttribute('aria-current')).toBe('page');
      // The Inbox link (its name also carries the waiting count) is no longer the current page.
      expect(await nav.getByRole('link', { name: 'Inbox' }).getAttribute('aria-current')).toBeNull();
      await screenshot(page, 'properties-empty');
      await expectNoSeriousA11yViolations(page);
    },
    BROWSER_TEST_MS,
  );

  it(
    'creates a hotel through the form and lists it',
    async () => {
      await page.getByRole('button', { name: 'New hotel' }).click();
      await page.getByLabel('Name', { exact: true }).fill(hotel.name);
      await page.getByLabel('Slug', { exact: true }).fill(hotel.slug);
      await page.getByLabel('Time zone', { exact: true }).fill(hotel.timezone);
      await page.getByLabel('Currency', { exact: true }).fill(hotel.currency.toLowerCase()); // upper-cased as typed
      await page.getByRole('button', { name: 'Create hotel' }).click();

      await page.getByRole('status').getByText(`Created ${hotel.name}.`).waitFor();
      const row = page.getByRole('row', { name: new RegExp(hotel.name) });
      await row.waitFor();
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells).toEqual([hotel.slug, hotel.timezone, hotel.currency, 'Active']);
      expect(await page.getByText('No hotels yet').count()).toBe(0);

      const { items } = (await apiGet('/properties')) as { items: Record<string, unknown>[] };
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ ...hotel, active: true });

      await screenshot(page, 'properties-list');
      await expectNoSeriousA11yViolations(page);
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows the server's field error next to the slug when the slug is invalid",
    async () => {
      await page.getByRole('button', { name: 'New hotel' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Second Hotel');
      const slug = page.getByLabel('Slug', { exact: true });
      await slug.fill('Not A Slug!');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/properties') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Create hotel' }).click(),
      ]);
      expect(response.status()).toBe(400);
      const problem = (await response.json()) as { errors: { path: string; message: string }[] };
      const serverMessage = problem.errors.find((e) => e.path === 'slug')?.message;
      expect(serverMessage).toBeTruthy();

      await page.getByRole('alert').getByText('Could not create the hotel').waitFor();
      expect(await slug.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await slug.getAttribute('aria-describedby')) ?? '';
      const descriptions = await Promise.all(describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()));
      expect(descriptions.join(' ')).toContain(serverMessage!);
      await screenshot(page, 'new-hotel-slug-error');

      // Nothing was created, and the form can be dismissed.
      await onlyHotelId();
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(await page.getByRole('heading', { name: 'New hotel' }).count()).toBe(0);
    },
    BROWSER_TEST_MS,
  );

  it(
    'saves a split shift and a closure date, and they survive a reload',
    async () => {
      const id = await onlyHotelId();
      await page.getByRole('link', { name: hotel.name }).click();
      await page.getByRole('heading', { level: 1, name: hotel.name }).waitFor();
      expect(page.url()).toContain(`#/properties/${id}`);

      // Monday becomes a split shift: a morning range and an evening range that runs past midnight.
      await page.getByLabel('Monday range 1, opens').fill('07:00');
      await page.getByLabel('Monday range 1, closes').fill('11:00');
      await page.getByRole('button', { name: 'Add range to Monday' }).click();
      await page.getByLabel('Monday range 2, opens').fill('17:00');
      await page.getByLabel('Monday range 2, closes').fill('01:00');
      await page.getByRole('group', { name: 'Monday' }).getByText('past midnight').waitFor();

      await page.getByRole('button', { name: 'Add closure date' }).click();
      await page.getByLabel('Closure 1, date').fill('2025-12-25');
      await page.getByLabel('Closure 1, note').fill('Christmas Day');

      const [request] = await Promise.all([
        page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/api/v1/properties/${id}`)),
        page.getByRole('button', { name: 'Save changes' }).click(),
      ]);
      // Only what changed is sent; the update schema is strict.
      expect(Object.keys(request.postDataJSON() as object).sort()).toEqual(['closures', 'deskHours']);
      await page.getByRole('status').getByText(/^Settings saved/).waitFor();
      await screenshot(page, 'property-settings-saved');
      await expectNoSeriousA11yViolations(page);

      await page.reload();
      await page.getByRole('heading', { level: 1, name: hotel.name }).waitFor();
      expect(await page.getByLabel('Monday range 1, opens').inputValue()).toBe('07:00');
      expect(await page.getByLabel('Monday range 1, closes').inputValue()).toBe('11:00');
      expect(await page.getByLabel('Monday range 2, opens').inputValue()).toBe('17:00');
      expect(await page.getByLabel('Monday range 2, closes').inputValue()).toBe('01:00');
      expect(await page.getByLabel('Tuesday range 1, opens').inputValue()).toBe('08:00');
      expect(await page.getByLabel('Tuesday range 2, opens').count()).toBe(0);
      expect(await page.getByLabel('Closure 1, date').inputValue()).toBe('2025-12-25');
      expect(await page.getByLabel('Closure 1, note').inputValue()).toBe('Christmas Day');
      await screenshot(page, 'property-settings');

      const saved = (await apiGet(`/properties/${id}`)) as { deskHours: Record<string, unknown>; closures: unknown; timezone: string };
      expect(saved.deskHours.mon).toEqual([
        { open: '07:00', close: '11:00' },
        { open: '17:00', close: '01:00' },
      ]);
      expect(saved.deskHours.tue).toEqual([{ open: '08:00', close: '22:00' }]);
      expect(saved.closures).toEqual([{ date: '2025-12-25', note: 'Christmas Day' }]);
      expect(saved.timezone).toBe(hotel.timezone);
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows the server's field error on the settings form and keeps the saved value",
    async () => {
      const id = await onlyHotelId();
      const retention = page.getByLabel('Retention (days)');
      await retention.fill('0');
      await page.getByRole('button', { name: 'Save changes' }).click();

      await page.getByRole('alert').getByText('Settings not saved').waitFor();
      expect(await retention.getAttribute('aria-invalid')).toBe('true');
      const errorId = (await retention.getAttribute('aria-describedby'))?.split(' ').find((d) => d.endsWith('-error'));
      expect(errorId).toBeTruthy();
      const shown = await page.locator(`[id="${errorId}"]`).textContent();
      const direct = await server.admin.patch(`/api/v1/properties/${id}`, { retentionDays: 0 });
      expect(direct.status).toBe(400);
      const problem = (await direct.json()) as { errors: { path: string; message: string }[] };
      expect(shown).toBe(problem.errors.find((e) => e.path === 'retentionDays')?.message);

      await page.getByRole('button', { name: 'Discard changes' }).click();
      expect(await retention.inputValue()).toBe('90');
      expect(((await apiGet(`/properties/${id}`)) as { retentionDays: number }).retentionDays).toBe(90);
    },
    BROWSER_TEST_MS,
  );

  it('logs no script errors or CSP violations in the browser', () => {
    expect(browserErrors).toEqual([]);
  });
});
