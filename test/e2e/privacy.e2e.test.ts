import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, HAS_CHROMIUM, RENDERER_DIR, ensureRendererBuilt, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

/** The privacy screen: an admin finds a guest by phone, sees what is held, erases it after confirming. */

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: privacy' : `staff UI: privacy (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureRendererBuilt();
    server = await startTestServer({ staticDir: RENDERER_DIR, env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '200' } });
    await server.admin.post('/api/v1/properties', { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' });
    const scope = server.core.properties.scope('harbour');
    await server.core.pipeline.handle(scope, { channel: 'test', threadKey: 'p1', externalId: 'p1', text: 'I need a person to help with my booking', from: { name: 'Aisha Tan', phone: '+60 12-444 5555' }, receivedAt: new Date() });
    await server.core.pipeline.handle(scope, { channel: 'test', threadKey: 'p1', externalId: 'p2', text: 'It is for 24 December', from: { name: 'Aisha Tan', phone: '+60 12-444 5555' }, receivedAt: new Date() });
    browser = await launchChromium();
    ({ page } = await openStaffPage(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds a guest by phone, shows what is held, and erases it only after the typed confirmation', { timeout: 60_000 }, async () => {
    await page.goto(server.staffUrl);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor();

    await page.getByLabel('Phone number').fill('60124445555');
    await page.getByRole('button', { name: 'Find and export' }).click();
    const row = page.getByRole('row', { name: /Harbour View/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Harbour View\s+1\s+1\s+3\s+1/); // 1 guest record; 1 conversation; 2 guest messages and the hand-off notice; 1 inquiry
    await expectNoSeriousA11yViolations(page);
    await screenshot(page, 'privacy-found');

    await page.getByRole('button', { name: 'Erase this guest…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Erase this guest?' });
    const confirm = dialog.getByRole('button', { name: 'Erase for good' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type "ERASE" to confirm').fill('ERASE');
    await confirm.click();
    const done = page.getByRole('status').filter({ hasText: 'Erased 1 guest record in 1 hotel' });
    await done.waitFor();
    expect(await done.innerText()).toMatch(/1 conversation, 3 messages, 1 inquiry, .*Report figures are unchanged\./);

    const left = (await (await server.admin.post('/api/v1/privacy/export', { phone: '+60 12-444 5555' })).json()) as { hotels: unknown[] };
    expect(left.hotels).toEqual([]);
    const audit = (await (await server.admin.get('/api/v1/audit?action=privacy.erase')).json()) as { items: unknown[] };
    expect(audit.items).toHaveLength(1);
    expect(JSON.stringify(audit.items)).not.toMatch(/Aisha|4445555/);
  });
});
