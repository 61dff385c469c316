import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage, PipelineOutcome } from '../../server/features/pipeline/pipeline.service.js';
import { cliActor } from '../../server/shared/actor.js';
import { CHROMIUM, HAS_CHROMIUM, ROOT, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

/**
 * Every screen fits a 1280 px window with real data in its tables: nothing scrolls sideways, neither
 * the page nor any table, so no column (a report's downloads, a lead's value) is cut off.
 */

const BROWSER_TEST_MS = 120_000;
const HOTEL = { name: 'Seri Malaya Hotel & Conference Centre Kuala Lumpur', slug: 'seri-malaya', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' };

/** The little of the DOM the check below uses (the tests are compiled without the DOM library). */
interface El {
  tagName: string;
  children: { length: number };
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  getBoundingClientRect(): { right: number };
}
interface PageGlobals {
  document: { documentElement: { scrollWidth: number }; querySelectorAll(selector: string): ArrayLike<El> };
  innerWidth: number;
  getComputedStyle(e: El): { overflowX: string };
}

/** Elements wider than their box: the page itself, or anything that scrolls or clips sideways. */
function sidewaysScrollers(): string[] {
  const win = globalThis as unknown as PageGlobals;
  const doc = win.document;
  const found: string[] = [];
  if (doc.documentElement.scrollWidth > win.innerWidth + 1) {
    // Name the innermost elements that stick out, so a failure says what to fix.
    const out = Array.from(doc.querySelectorAll('main *')).filter((e) => e.getBoundingClientRect().right > win.innerWidth + 1 && e.children.length === 0);
    const names = out.slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${(e.getAttribute('class') ?? '').replace(/\s+/g, '.')} "${(e.textContent ?? '').trim().slice(0, 30)}"`);
    found.push(`the page (${doc.documentElement.scrollWidth}px in ${win.innerWidth}px: ${names.join(', ')})`);
  }
  for (const el of Array.from(doc.querySelectorAll('main *'))) {
    const style = win.getComputedStyle(el);
    // A box that scrolls sideways, or one that clips a table; a one-line text cut with an ellipsis (and its tooltip) is fine.
    const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
    const clipsTable = (style.overflowX === 'hidden' || style.overflowX === 'clip') && el.querySelector('table') !== null;
    if (!scrolls && !clipsTable) continue;
    if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT' || el.tagName === 'SELECT') continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 2) {
      const name = el.querySelector('caption, h2, h3, th')?.textContent?.trim().slice(0, 40) ?? '';
      found.push(`${el.tagName.toLowerCase()}.${(el.getAttribute('class') ?? '').replace(/\s+/g, '.')} "${name}" (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
  }
  return found;
}

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: every screen fits 1280 px' : `staff UI: layout (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let staticDir: string;
  let hotelId = '';
  let conversationId = '';
  let leadId = '';

  beforeAll(async () => {
    staticDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-layout-ui-'));
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', staticDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    server = await startTestServer({ staticDir, env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_EMBEDDER: 'none' } });
    const created = await server.admin.post('/api/v1/properties', HOTEL);
    hotelId = ((await created.json()) as { id: string }).id;
    // A second hotel: the group report and the Hotel column of the leads appear.
    expect((await server.admin.post('/api/v1/properties', { name: 'Harbour View London Riverside Suites', slug: 'harbour-london', timezone: 'Europe/London', currency: 'GBP' })).status).toBe(201);
    const seeder = cliActor('e2e seed');
    await server.core.users.create(
      { email: 'a.very.long.address.for.the.night.manager@seri-malaya-hotel.example', displayName: 'Nur Aisyah binti Abdul Rahman', password: ADMIN.password, role: 'manager', allProperties: true, propertyIds: [] },
      seeder,
    );
    const scope = () => server.core.properties.scope(HOTEL.slug);
    const kb = await server.admin.put(`/api/v1/properties/${hotelId}/knowledge-base`, {
      items: [
        { category: 'dining', title: 'Breakfast in the Kopi Café on the ground floor', content: 'Breakfast is served from 6:30 to 10:30 and costs RM 45 per adult.' },
        { category: 'facilities', title: 'Covered car park behind the hotel with electric-vehicle chargers', content: 'Parking is free for hotel guests.' },
      ],
    });
    expect(kb.status).toBe(200);
    let n = 0;
    const msg = (text: string, hoursAgo: number): InboundMessage => ({
      channel: 'test',
      threadKey: `layout-${++n}`,
      externalId: `layout-${n}`,
      text,
      from: { name: `Guest with a rather long name number ${n}`, phone: `+60123456${String(n).padStart(3, '0')}`, email: `guest.number.${n}@a-long-domain-name.example` },
      receivedAt: new Date(Date.now() - hoursAgo * 3_600_000),
    });
    const outcomes: PipelineOutcome[] = [];
    for (const [text, hoursAgo] of [
      ['I would like to book the Family Suite for 2 adults and 2 children from 24 to 27 December, with breakfast and airport transfer', 30],
      ['We are planning a wedding banquet for 350 guests in the grand ballroom next June, what packages do you have?', 20],
      ['Can I speak to a person please?', 5],
    ] as const) {
      outcomes.push(await server.core.pipeline.handle(scope(), msg(text, hoursAgo)));
    }
    conversationId = outcomes[0]!.conversationId;
    for (const [i, value] of [
      [0, 9_876_543.21],
      [1, 8_765_432.1],
    ] as const) {
      const lead = server.core.leads.list(scope(), { limit: 50 }).items.find((l) => l.conversationId === outcomes[i]!.conversationId)!;
      server.core.leads.update(scope(), lead.id, { status: 'converted', bookingValue: value }, seeder);
      leadId = lead.id;
    }
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    for (const period of [
      { from: today, to: today },
      { from: weekAgo, to: today },
    ]) {
      expect((await server.admin.post(`/api/v1/properties/${hotelId}/reports`, period)).status).toBe(201);
    }
    browser = await launchChromium();
    ({ page } = await openStaffPage(browser, { viewport: { width: 1280, height: 720 }, timeout: 15_000 }));
    await page.goto(server.staffUrl);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  });

  it(
    'no screen scrolls sideways at 1280 px, with data in every table',
    async () => {
      const screens: [string, string, () => Promise<void>][] = [
        ['inbox', '#/inbox', () => page.getByRole('link', { name: /Guest with a rather long name/ }).first().waitFor()],
        ['conversation', `#/inbox/${hotelId}/${conversationId}`, () => page.getByRole('region', { name: 'Reply' }).waitFor()],
        ['leads', '#/leads', () => page.getByRole('table').first().waitFor()],
        ['lead', `#/leads/${hotelId}/${leadId}`, () => page.getByRole('dialog').waitFor()],
        ['knowledge', `#/knowledge/${hotelId}`, () => page.getByText('Breakfast in the Kopi Café on the ground floor').first().waitFor()],
        ['reports', `#/reports/${hotelId}`, () => page.getByRole('heading', { name: 'Report history' }).waitFor().then(() => page.getByRole('link', { name: /^PDF/ }).first().waitFor())],
        ['group report', '#/reports', () => page.getByRole('table').first().waitFor()],
        ['properties', '#/properties', () => page.getByRole('table').waitFor()],
        ['hotel settings', `#/properties/${hotelId}`, () => page.getByRole('heading', { name: 'WhatsApp' }).waitFor()],
        ['ai', '#/ai', () => page.getByRole('heading', { level: 1 }).waitFor()],
        ['system', '#/system', () => page.getByRole('heading', { name: 'Queues' }).waitFor()],
        ['privacy', '#/privacy', () => page.getByRole('heading', { level: 1 }).waitFor()],
        ['audit', '#/audit', () => page.getByRole('table').waitFor()],
        ['users', '#/users', () => page.getByRole('table').waitFor()],
        ['account', '#/account', () => page.getByRole('heading', { level: 1 }).waitFor()],
      ];
      const problems: string[] = [];
      for (const [name, hash, ready] of screens) {
        await page.goto(`${server.staffUrl}/${hash}`);
        await ready();
        await page.locator('main', { hasText: 'Loading' }).waitFor({ state: 'detached' });
        for (const p of await page.evaluate(sidewaysScrollers)) problems.push(`${name}: ${p}`);
        await screenshot(page, `layout-1280-${name.replace(/\W+/g, '-')}`, { fullPage: true });
      }
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_MS,
  );
});
