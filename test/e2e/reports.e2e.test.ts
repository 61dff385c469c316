import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, HAS_CHROMIUM, ROOT, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsSummary } from '../../server/contract/reports.js';
import type { InboundMessage, PipelineOutcome } from '../../server/features/pipeline/pipeline.service.js';
import { cliActor } from '../../server/shared/actor.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

/** The reports screen in a real Chromium against the real server, with figures made by the real pipeline. */

const BROWSER_TEST_MS = 90_000;

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: reports' : `staff UI: reports (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let staticDir: string;
  const hotelA = { id: '', name: 'Seri Malaya Hotel', slug: 'seri-malaya', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' };
  const hotelB = { id: '', name: 'Harbour View London', slug: 'harbour-london', timezone: 'Europe/London', currency: 'GBP' };
  const manager = { email: 'gm@nocturn.test', password: 'correct horse battery staple' };
  const browserErrors: string[] = [];
  const seeder = cliActor('e2e seed');

  let n = 0;
  const msg = (text: string, hoursAgo: number): InboundMessage => ({
    channel: 'test',
    threadKey: `e2e-${++n}`,
    externalId: `e2e-${n}`,
    text,
    from: { name: `Guest ${n}`, phone: `+60123456${String(n).padStart(3, '0')}` },
    receivedAt: new Date(Date.now() - hoursAgo * 3_600_000),
  });

  beforeAll(async () => {
    // The UI is built into a folder of this test's own, so it is the current code whatever else is in dist/.
    staticDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-reports-ui-'));
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', staticDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    server = await startTestServer({ staticDir, env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_EMBEDDER: 'none' } });
    for (const h of [hotelA, hotelB]) {
      const res = await server.admin.post('/api/v1/properties', { name: h.name, slug: h.slug, timezone: h.timezone, currency: h.currency });
      h.id = ((await res.json()) as { id: string }).id;
    }
    await server.core.users.create({ email: manager.email, displayName: 'General Manager', password: manager.password, role: 'manager', allProperties: true, propertyIds: [] }, seeder);

    // Real traffic through the pipeline and staff actions over the last days.
    const a = () => server.core.properties.scope(hotelA.slug);
    const outcomes: PipelineOutcome[] = [];
    for (const [text, hoursAgo] of [
      ['hello', 70],
      ['Can I speak to a person please?', 50],
      ['Do you have a helipad for guests arriving by helicopter?', 30],
      ['I would like to book a room for 2 adults from 24 to 27 December', 26],
      ['Is there a helipad at the hotel?', 20],
      ['hi there', 5],
    ] as const) {
      outcomes.push(await server.core.pipeline.handle(a(), msg(text, hoursAgo)));
    }
    server.core.conversations.reply(a(), outcomes[1]!.conversationId, 'Hello, this is the front desk.', seeder);
    const lead = server.core.leads.list(a(), { limit: 50 }).items.find((l) => l.conversationId === outcomes[3]!.conversationId)!;
    server.core.leads.update(a(), lead.id, { status: 'converted', bookingValue: 1200 }, seeder);
    const b = () => server.core.properties.scope(hotelB.slug);
    await server.core.pipeline.handle(b(), msg('hello', 10));
    await server.core.pipeline.handle(b(), msg('Can I talk to someone?', 8));

    browser = await launchChromium();
    ({ page } = await openStaffPage(browser, { errors: browserErrors, timeout: 15_000 }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  });

  it(
    'shows the group comparison to a manager who sees both hotels',
    async () => {
      await page.goto(server.staffUrl);
      await page.getByLabel('Email').fill(manager.email);
      await page.getByLabel('Password').fill(manager.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
      const compare = page.getByRole('region', { name: 'Hotel comparison' });
      await compare.getByRole('row', { name: new RegExp(hotelA.name) }).waitFor();
      await compare.getByRole('row', { name: new RegExp(hotelB.name) }).waitFor();
      // Money stays per currency.
      await page.getByText('Booking value in MYR').waitFor();
      await page.getByText('Booking value in GBP').waitFor();
      await screenshot(page, 'reports-group', { fullPage: true });
      await expectNoSeriousA11yViolations(page);
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows a hotel's hero numbers, the same as the API's, and drills down to the conversations",
    async () => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/properties/${hotelA.id}/analytics/summary`) && r.status() === 200),
        page.getByRole('region', { name: 'Hotel comparison' }).getByRole('link', { name: hotelA.name }).click(),
      ]);
      // The page may navigate on before its response body can be read, so ask the API for the same figures.
      const url = new URL(response.url());
      const summary = (await (await server.admin.get(`${url.pathname}${url.search}`)).json()) as AnalyticsSummary;
      expect(summary.current.inquiries).toBe(6);
      expect(summary.current.conversions).toBe(1);
      expect(summary.current.bookingValue).toBe(1200);
      const hero = (key: string) => page.locator(`[data-hero="${key}"]`);
      await hero('inquiries').waitFor();
      expect(await hero('inquiries').textContent()).toBe('6');
      expect(await hero('leads').textContent()).toBe(String(summary.current.leads));
      expect(await hero('conversions').textContent()).toBe('1');
      expect(await hero('bookingValue').textContent()).toMatch(/^MYR\s1,200\.00$/);
      expect(await hero('handoffs').textContent()).toBe(String(summary.current.handoffs));
      expect(await hero('afterHoursShare').textContent()).toBe(summary.current.afterHoursShare === null ? '–' : `${(summary.current.afterHoursShare * 100).toFixed(1)}%`);
      await page.getByRole('img', { name: /Inquiries per day/ }).waitFor();
      await page.getByRole('heading', { name: 'Knowledge gaps' }).waitFor();
      await page.getByText(/helipad/i).first().waitFor();
      await screenshot(page, 'reports-hotel', { fullPage: true });
      await expectNoSeriousA11yViolations(page);

      await page.getByRole('button', { name: 'See conversations for inquiries' }).click();
      const drill = page.getByRole('region', { name: /Conversations: Inquiries/ });
      await drill.getByRole('link', { name: 'Open conversation' }).first().waitFor();
      const links = await drill.getByRole('link', { name: 'Open conversation' }).evaluateAll((els) => els.map((e) => e.getAttribute('href')));
      expect(links).toHaveLength(6);
      for (const href of links) expect(href).toMatch(new RegExp(`^#/inbox/${hotelA.id}/cnv_`));
      await screenshot(page, 'reports-drill-down', { fullPage: true });
      await expectNoSeriousA11yViolations(page);
    },
    BROWSER_TEST_MS,
  );

  it(
    'adds an answer to a knowledge gap with one click',
    async () => {
      const gap = page.getByRole('region', { name: 'Knowledge gaps' });
      await gap.getByText(/Asked 2 times/).waitFor();
      await gap.getByRole('button', { name: 'Answer and add to knowledge' }).first().click();
      await gap.getByLabel('Title').fill('Helipad');
      await gap.getByLabel('Answer').fill('There is no helipad; the nearest is at the city heliport, 15 minutes away by taxi.');
      await gap.getByRole('button', { name: 'Add to knowledge', exact: true }).click();
      await gap.getByRole('status').getByText('Added “Helipad” to the knowledge base.').waitFor();
      const items = (await (await server.admin.get(`/api/v1/properties/${hotelA.id}/knowledge-base/items`)).json()) as { items: { title: string }[] };
      expect(items.items.map((i) => i.title)).toContain('Helipad');
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'keeps agents out',
    async () => {
      const agent = await server.staff('agent', [hotelA.id]);
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-GB' });
      const agentPage = await context.newPage();
      await agentPage.goto(server.staffUrl);
      await agentPage.getByLabel('Email').fill(agent.email);
      await agentPage.getByLabel('Password').fill(ADMIN.password);
      await agentPage.getByRole('button', { name: 'Sign in' }).click();
      await agentPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).waitFor();
      expect(await agentPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).count()).toBe(0);
      await agentPage.goto(`${server.staffUrl}/#/reports/${hotelA.id}`);
      await agentPage.getByText('You don’t have access').first().waitFor();
      expect(await agentPage.locator('[data-hero]').count()).toBe(0);
      await context.close();
    },
    BROWSER_TEST_MS,
  );
});
