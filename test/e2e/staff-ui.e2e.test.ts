import { readFileSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, HAS_CHROMIUM, RENDERER_DIR, ensureRendererBuilt, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRepository } from '../../server/features/outbox/outbox.repository.js';
import { startGraphStub, type GraphStub } from '../support/graph-stub.js';
import { ADMIN, json, startTestServer, type TestServer } from '../support/server.js';

/**
 * The rest of the staff desk in a real Chromium: the first-hotel wizard, hotel settings (quiet
 * hours, threshold, retention, channels with webhook URLs, tunnel and model status), knowledge
 * (items, import, search tester), leads (status changes, CSV without contact details) and the
 * admin's system screen. Every screen is checked with axe and photographed.
 */

const BROWSER_TEST_MS = 60_000;
const WA = { phoneNumberId: '106540352249999', appSecret: 'staff-ui-app-secret-123', accessToken: 'EAAstaff-ui-token-123', verifyToken: 'staff-ui-verify-token' };

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: set-up, settings, knowledge, leads, system' : `staff UI (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let hotelId = '';
  let graph: GraphStub;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    // Meta's Graph API on loopback: the wizard's WhatsApp step shows Connected only once it answered for the number.
    graph = await startGraphStub();
    server = await startTestServer({ staticDir: RENDERER_DIR, env: { NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_WHATSAPP_API_BASE: graph.url } });
    browser = await launchChromium();
    ({ page } = await openStaffPage(browser, { contextOptions: { acceptDownloads: true }, clipboardOrigin: server.staffUrl, errors: browserErrors }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await graph?.close();
  });

  async function go(hash: string, heading: string | RegExp): Promise<void> {
    await page.goto(`${server.staffUrl}/${hash}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  it(
    'sets up the first hotel with the wizard and leaves it answering from its knowledge',
    async () => {
      await page.goto(server.staffUrl);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      await page.getByText('No hotels yet').waitFor();
      await screenshot(page, 'inbox-empty');
      await page.getByRole('link', { name: 'Set up your first hotel' }).click();

      await page.getByRole('heading', { level: 1, name: 'Set up your hotel' }).waitFor();
      expect(await page.getByRole('list', { name: 'Steps' }).locator('[aria-current="step"]').textContent()).toContain('Hotel');
      await page.getByLabel('Hotel name').fill('Seri Malaya');
      expect(await page.getByLabel('Short name').inputValue()).toBe('seri-malaya');
      await page.getByLabel('Time zone').fill('Asia/Kuala_Lumpur');
      await page.getByLabel('Currency').fill('myr');
      await screenshot(page, 'wizard-hotel');
      await expectNoSeriousA11yViolations(page);
      await page.getByRole('button', { name: 'Create the hotel and continue' }).click();

      await page.getByRole('heading', { level: 2, name: 'Desk and quiet hours' }).waitFor();
      hotelId = server.core.properties.get('seri-malaya').id;
      await page.getByLabel('Quiet hours from').fill('22:00');
      await page.getByLabel('Quiet hours until').fill('07:00');
      await page.getByRole('button', { name: 'Save and continue' }).click();

      await page.getByRole('heading', { level: 2, name: 'What the assistant should know' }).waitFor();
      await page.getByLabel('Parking').fill('Parking is free for hotel guests in the covered car park behind the hotel.');
      await page.getByRole('button', { name: 'Add these answers' }).click();
      await page.getByText('Added 1 item.').waitFor();
      await page.getByLabel('File').setInputFiles({
        name: 'fact-sheet.md',
        mimeType: 'text/markdown',
        buffer: Buffer.from('# Breakfast\n\nBreakfast is served from 6:30 to 10:30 in the Kopi Café on the ground floor.\n\n# Swimming pool\n\nThe pool on level 5 is open from 7 am to 9 pm.\n'),
      });
      await page.getByRole('button', { name: 'Import file' }).click();
      await page.getByText(/Imported fact-sheet\.md/).waitFor();
      await screenshot(page, 'wizard-knowledge');
      await page.getByRole('button', { name: 'Next: channels' }).click();

      await page.getByRole('heading', { level: 2, name: 'Channels' }).waitFor();
      const whatsapp = page.getByRole('region', { name: 'WhatsApp' });
      await whatsapp.getByRole('button', { name: 'Set up WhatsApp' }).click();
      await whatsapp.getByLabel('Phone number id').fill(WA.phoneNumberId);
      await whatsapp.getByLabel('App secret').fill(WA.appSecret);
      await whatsapp.getByLabel('Access token').fill(WA.accessToken);
      await whatsapp.getByLabel('Verify token').fill(WA.verifyToken);
      await whatsapp.getByRole('button', { name: 'Save channel' }).click();
      await whatsapp.getByText('Connected').waitFor();
      await whatsapp.getByText(/WhatsApp answers for \+1 555-078-3881/).waitFor();
      expect(graph.requests.at(-1)).toMatchObject({ method: 'GET', authorization: `Bearer ${WA.accessToken}` });
      await whatsapp.getByText(`${server.publicUrl}/webhooks/whatsapp`).waitFor();
      await screenshot(page, 'wizard-channels');
      await expectNoSeriousA11yViolations(page);
      await page.getByRole('button', { name: 'Next: tunnel' }).click();

      await page.getByRole('heading', { level: 2, name: 'Tunnel and AI' }).waitFor();
      await page.getByText('Not set up').waitFor();
      await page.getByText('Not reachable').waitFor();
      await screenshot(page, 'wizard-tunnel');
      await page.getByRole('button', { name: 'Finish' }).click();
      await page.getByRole('heading', { level: 2, name: 'Seri Malaya is ready' }).waitFor();

      // A working hotel: its settings, knowledge and channel are in place.
      const hotel = server.core.properties.get(hotelId);
      expect(hotel).toMatchObject({ name: 'Seri Malaya', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR', quietHours: { start: '22:00', end: '07:00' } });
      expect(server.core.knowledge.list(hotelId).map((i) => i.title).sort()).toEqual(['Breakfast', 'Parking', 'Swimming pool']);
      const channels = (await json(await server.admin.get(`/api/v1/properties/${hotelId}/channels`))) as { items: { channel: string; configured: boolean }[] };
      expect(channels.items.find((c) => c.channel === 'whatsapp')?.configured).toBe(true);
      const found = (await json(await server.admin.post(`/api/v1/properties/${hotelId}/knowledge-base/search`, { query: 'Is parking free?', k: 1 }))) as { results: { title: string }[] };
      expect(found.results[0]?.title).toBe('Parking');
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'changes quiet hours, confidence threshold and retention, and shows webhook URLs to copy, the tunnel and the models',
    async () => {
      await go(`#/properties/${hotelId}`, 'Seri Malaya');
      await page.getByLabel('Confidence threshold (%)').fill('80');
      await page.getByLabel('Retention (days)').fill('30');
      await page.getByLabel('From', { exact: true }).fill('21:30');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(/Settings saved at/).waitFor();
      expect(server.core.properties.get(hotelId)).toMatchObject({ confidenceThreshold: 0.8, retentionDays: 30, quietHours: { start: '21:30', end: '07:00' } });

      const channels = page.getByRole('region', { name: 'Channels' });
      const url = `${server.publicUrl}/webhooks/whatsapp`;
      await channels.getByText(url).waitFor();
      await channels.getByRole('button', { name: 'Copy WhatsApp webhook URL' }).click();
      await channels.getByText('Copied').waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(url);
      await page.getByRole('region', { name: 'Tunnel' }).getByText('Not set up').waitFor();
      await page.getByRole('region', { name: 'AI models' }).getByText('Not reachable').waitFor();
      await page.getByRole('region', { name: 'AI replies' }).getByText('AI replies on').waitFor();
      await screenshot(page, 'settings');
      await screenshot(page, 'settings-full', { fullPage: true });
      await expectNoSeriousA11yViolations(page);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'manages knowledge: add, search as a guest would, test a list of questions, deactivate',
    async () => {
      await go(`#/knowledge/${hotelId}`, 'Knowledge');
      const items = page.getByRole('region', { name: /^Items/ });
      await items.getByRole('article', { name: 'Parking' }).waitFor();
      await items.getByRole('button', { name: 'New item' }).click();
      const form = page.getByRole('form', { name: 'New knowledge item' });
      await form.getByLabel('Category').selectOption('policies');
      await form.getByLabel('Title').fill('Check-in and check-out');
      await form.getByLabel('Text').fill('Check-in is from 3 pm and check-out is by 12 noon.');
      await form.getByRole('button', { name: 'Add item' }).click();
      await items.getByRole('article', { name: 'Check-in and check-out' }).waitFor();

      const tester = page.getByRole('region', { name: 'Try a question' });
      await tester.getByLabel('A guest’s question').fill('What time is check-in?');
      await tester.getByRole('button', { name: 'Try it', exact: true }).click();
      await tester.locator('.kb-result-title').first().getByText('Check-in and check-out').waitFor();
      // The reply the guest would get: the sentence that answers, not the whole item.
      const reply = tester.getByRole('region', { name: "The assistant's reply" });
      await reply.getByText('Answered').waitFor();
      expect(await reply.locator('.kb-trial-reply').textContent()).toContain('Check-in is from 3 pm');
      // Several questions in one message: which the assistant answers, and which go to staff.
      await tester.getByLabel('A guest’s question').fill('What time is check-in? Also, can I land my helicopter on the roof?');
      await tester.getByRole('button', { name: 'Try it', exact: true }).click();
      const parts = reply.getByRole('list', { name: 'Questions in the message' }).getByRole('listitem');
      await parts.nth(1).waitFor();
      expect(await parts.nth(0).textContent()).toMatch(/Answered.*check-in.*from Check-in and check-out/i);
      expect(await parts.nth(1).textContent()).toMatch(/To staff.*helicopter/);
      await tester.getByLabel('Questions, one per line').fill('What time is check-in?\nIs there a pool?\nCan I bring a helicopter?');
      await tester.getByRole('button', { name: 'Test all' }).click();
      await tester.getByText(/of 3 answered by the assistant/).waitFor();
      const outcome = await tester.getByRole('table').getByRole('row').filter({ hasText: 'helicopter' }).textContent();
      expect(outcome).toContain('To staff');

      await items.getByRole('button', { name: 'Deactivate Swimming pool' }).click();
      await items.getByText('Deactivated “Swimming pool”.').waitFor();
      expect(await items.getByRole('article', { name: 'Swimming pool' }).count()).toBe(0);
      await items.getByLabel('Show deactivated').check();
      await items.getByRole('article', { name: 'Swimming pool' }).getByText('Deactivated').waitFor();
      expect(server.core.knowledge.list(hotelId).map((i) => i.title)).not.toContain('Swimming pool');

      // The hotel's own words: a word alone is refused, a set is saved and used by the next search.
      const words = page.getByRole('region', { name: 'The hotel’s own words' });
      const sets = words.getByLabel(/One set per line/);
      await sets.fill('motor lot');
      await words.getByText('“motor lot” needs at least one other word on its line.').waitFor();
      expect(await words.getByRole('button', { name: 'Save words' }).isDisabled()).toBe(true);
      await sets.fill('motor lot, parking');
      await words.getByRole('button', { name: 'Save words' }).click();
      await words.getByText(/Saved 1 set of words/).waitFor();
      expect(server.core.knowledge.synonyms(hotelId).synonyms.map((x) => x.words)).toEqual([['motor lot', 'parking']]);
      await tester.getByLabel('A guest’s question').fill('where is your motor lot?');
      await tester.getByRole('button', { name: 'Try it', exact: true }).click();
      await tester.locator('.kb-result-title').first().getByText('Parking').waitFor();
      await screenshot(page, 'knowledge');
      await expectNoSeriousA11yViolations(page);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'works leads through contacted and converted, and exports the list without contact details',
    async () => {
      const scope = server.core.properties.scope(hotelId);
      await server.core.pipeline.handle(scope, {
        channel: 'test',
        threadKey: 'lead-1',
        externalId: 'lead-1',
        text: 'Hi, do you have a room for 2 adults from 24 to 27 December? My number is +60 12-987 6543',
        from: { name: 'Priya Nair', phone: '+60129876543' },
        receivedAt: new Date(),
      });
      await go('#/leads', 'Leads');
      const row = page.getByRole('row', { name: /Priya Nair/ });
      await row.waitFor();
      expect(await row.textContent()).toContain('Room booking');
      await screenshot(page, 'leads');
      await expectNoSeriousA11yViolations(page);

      await row.getByRole('link', { name: 'Priya Nair' }).click();
      const dialog = page.getByRole('dialog', { name: 'Lead: Priya Nair' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('+60 12-••• 6543');
      await dialog.getByRole('button', { name: 'Contacted' }).click();
      await dialog.getByRole('button', { name: 'Save: Contacted' }).click();
      await dialog.getByText('Marked as contacted.').waitFor();
      await dialog.getByRole('button', { name: 'Converted' }).click();
      await dialog.getByLabel('Booking value (MYR)').fill('1250');
      await dialog.getByRole('button', { name: 'Save: Converted' }).click();
      await dialog.getByText('Marked as converted.').waitFor();
      await screenshot(page, 'lead-detail');
      await expectNoSeriousA11yViolations(page);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await row.getByText('Converted').waitFor();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv).toContain('Room booking,Converted');
      expect(csv).toContain('1250.00,MYR');
      expect(csv).not.toMatch(/Priya|987|6543/);
      const leads = (await json(await server.admin.get(`/api/v1/properties/${hotelId}/leads`))) as { items: { status: string; bookingValue: number }[] };
      expect(leads.items[0]).toMatchObject({ status: 'converted', bookingValue: 1250 });
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows the admin the health of every part, queues and disk',
    async () => {
      // A reply the outbox gave up on: the admin sees it with its error and sends it again.
      const outbox = new OutboxRepository(server.core.properties.scope(hotelId));
      const deadId = outbox.insert({ conversationId: null, messageId: null, channel: 'widget', kind: 'reply', payload: { body: 'Your table is booked.' }, nextAttemptAt: new Date().toISOString(), at: new Date().toISOString() });
      outbox.markStatus(deadId, 'dead', 'widget session closed');
      await go('#/system', 'System');
      await page.getByRole('row', { name: /Databases/ }).getByText('OK').waitFor();
      const hotelRow = page.getByRole('row', { name: /Seri Malaya/ });
      await hotelRow.getByRole('button', { name: /undelivered messages at Seri Malaya/ }).click();
      await hotelRow.getByText('widget session closed').waitFor();
      await hotelRow.getByRole('button', { name: 'Retry' }).click();
      await hotelRow.getByText('Queued again').waitFor();
      await page.getByText('No backup yet').waitFor();
      await screenshot(page, 'system');
      await expectNoSeriousA11yViolations(page);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );
});
