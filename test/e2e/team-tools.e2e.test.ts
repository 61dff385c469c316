import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { cliActor } from '../../server/shared/actor.js';
import { startEmailProviderStub, type EmailProviderStub } from '../support/email-provider-stub.js';
import { CHROMIUM, HAS_CHROMIUM, ROOT, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { ADMIN, startTestServer, type TestServer } from '../support/server.js';

/**
 * The hotel team's shared tools in a real Chromium: a manager keeps saved replies with
 * placeholders; an agent leaves an internal note for the next shift and inserts a saved reply from
 * the picker with the keyboard alone, filled with the guest's name and dates.
 */

const BROWSER_TEST_MS = 90_000;
const HOTEL = { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' };

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: notes and saved replies' : `staff UI: team tools (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let staticDir: string;
  let hotelId = '';
  let conversationId = '';
  let mailApi: EmailProviderStub;
  const people = { manager: { email: 'gm@harbour.test' }, agent: { email: 'desk@harbour.test' } };

  beforeAll(async () => {
    staticDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-team-ui-'));
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--outDir', staticDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    mailApi = await startEmailProviderStub();
    server = await startTestServer({ staticDir, env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_EMBEDDER: 'none', NOCTURN_SENDGRID_API_BASE: mailApi.url } });
    hotelId = ((await (await server.admin.post('/api/v1/properties', HOTEL)).json()) as { id: string }).id;
    expect((await server.admin.put(`/api/v1/properties/${hotelId}/channels/email`, { provider: 'sendgrid', inboundAddress: 'desk@harbour.test', apiKey: 'SG.team-key-123' })).status).toBe(200);
    for (const [role, p] of Object.entries(people)) {
      await server.core.users.create({ email: p.email, displayName: `The ${role}`, password: ADMIN.password, role: role as 'manager' | 'agent', allProperties: true, propertyIds: [] }, cliActor('e2e'));
    }
    const msg: InboundMessage = {
      channel: 'test',
      threadKey: 'team-1',
      externalId: 'team-1',
      text: 'Hello, I would like to book a room for 2 adults from 24 to 27 December. Is late check-out possible?',
      from: { name: 'Aisha Rahman', phone: '+60123450001' },
      receivedAt: new Date(),
    };
    conversationId = (await server.core.pipeline.handle(server.core.properties.scope(HOTEL.slug), msg)).conversationId;
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await mailApi?.close();
    if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  });

  async function openConversation(email: string): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await openStaffPage(browser, { timeout: 15_000 });
    await page.goto(server.staffUrl);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await page.goto(`${server.staffUrl}/#/inbox/${hotelId}/${conversationId}`);
    await page.getByRole('article', { name: 'Aisha Rahman' }).waitFor();
    return { page, errors };
  }

  it(
    'a manager adds a saved reply with placeholders for the whole team',
    async () => {
      const { page, errors } = await openConversation(people.manager.email);
      await page.getByRole('button', { name: /Saved replies/ }).click();
      const dialog = page.getByRole('dialog', { name: `Saved replies for ${HOTEL.name}` });
      await dialog.getByText('No saved replies yet.').waitFor();
      await dialog.getByLabel('Shortcut').fill('Late Checkout');
      await dialog.getByLabel('Reply', { exact: true }).fill('Dear {guest_name}, for your stay from {check_in} to {check_out} late check-out at {hotel_name} is until 2 pm.');
      await dialog.getByRole('button', { name: 'Add reply' }).click();
      await dialog.getByRole('option', { name: /\/late-checkout/ }).waitFor();
      await dialog.getByLabel('Shortcut').fill('wifi');
      await dialog.getByLabel('Reply', { exact: true }).fill('The wifi password is on your key card.');
      await dialog.getByRole('button', { name: 'Add reply' }).click();
      await dialog.getByRole('option', { name: /\/wifi/ }).waitFor();
      await screenshot(page, 'team-saved-replies-manager');
      await expectNoSeriousA11yViolations(page);
      await dialog.getByRole('button', { name: 'Close' }).click();
      const stored = (await (await server.admin.get(`/api/v1/properties/${hotelId}/saved-replies`)).json()) as { items: { shortcut: string }[] };
      expect(stored.items.map((r) => r.shortcut)).toEqual(['late-checkout', 'wifi']);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    BROWSER_TEST_MS,
  );

  it(
    'an agent leaves an internal note, then inserts a saved reply by keyboard with the guest’s name and dates filled',
    async () => {
      const { page, errors } = await openConversation(people.agent.email);
      const conversation = page.getByRole('article', { name: 'Aisha Rahman' });

      await conversation.getByRole('radio', { name: 'Internal note' }).check();
      const noteBox = conversation.getByRole('textbox', { name: 'Internal note for the hotel staff' });
      await noteBox.fill('Regular guest: offer the sea-view room.');
      await noteBox.press('Control+Enter');
      const note = conversation.getByRole('listitem').filter({ hasText: 'Regular guest: offer the sea-view room.' });
      await note.getByText('Staff only, not sent to the guest').waitFor();
      await note.getByText(/Internal note · You/).waitFor();
      expect(await note.getAttribute('class')).toContain('msg--note');
      const stored = (await (await server.admin.get(`/api/v1/properties/${hotelId}/conversations/${conversationId}`)).json()) as {
        notes: { body: string }[];
        messages: { body: string }[];
        stay: { checkIn: string; checkOut: string };
      };
      const day = (d: string) => new Date(`${d}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
      const dates = `from ${day(stored.stay.checkIn)} to ${day(stored.stay.checkOut)}`;
      expect(dates).toMatch(/^from 24 Dec \d{4} to 27 Dec \d{4}$/);
      expect(stored.notes.map((n) => n.body)).toEqual(['Regular guest: offer the sea-view room.']);
      expect(stored.messages.some((m) => m.body.includes('sea-view'))).toBe(false);

      await conversation.getByRole('radio', { name: 'Message to the guest' }).check();
      const box = conversation.getByRole('textbox', { name: 'Reply to the guest' });
      await box.focus();
      // The picker by keyboard alone: open it, type to filter, arrows to choose, Enter to insert.
      // Send is disabled while the box is empty, so Tab goes straight to the picker's button.
      await page.keyboard.press('Tab');
      const pickerButton = conversation.getByRole('button', { name: 'Saved replies (2)' });
      expect(await pickerButton.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: `Saved replies for ${HOTEL.name}` });
      const find = dialog.getByRole('combobox', { name: 'Find a saved reply' });
      await find.waitFor();
      expect(await dialog.getByRole('button', { name: 'Add reply' }).count()).toBe(0);
      await dialog.getByText('Only managers and administrators can add, change or remove saved replies.').waitFor();
      await page.keyboard.type('check');
      expect(await dialog.getByRole('option').count()).toBe(1);
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('ArrowDown');
      expect(await dialog.getByRole('option', { selected: true }).textContent()).toContain('/wifi');
      await page.keyboard.press('ArrowUp');
      expect(await dialog.getByRole('option', { selected: true }).textContent()).toContain('/late-checkout');
      await screenshot(page, 'team-saved-replies-picker');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      expect(await box.inputValue()).toBe(`Dear Aisha Rahman, for your stay ${dates} late check-out at Harbour View is until 2 pm.`);

      // The shortcut in the box does the same.
      await box.fill('');
      await box.pressSequentially('/late-checkout');
      await box.press('Tab');
      expect(await box.inputValue()).toBe(`Dear Aisha Rahman, for your stay ${dates} late check-out at Harbour View is until 2 pm.`);
      await screenshot(page, 'team-note-and-reply');
      await expectNoSeriousA11yViolations(page);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    BROWSER_TEST_MS,
  );

  it(
    'a manager chooses the daily report by e-mail and sends a test report to their own mailbox',
    async () => {
      const { page, errors } = await openConversation(people.manager.email);
      await page.goto(`${server.staffUrl}/#/reports/${hotelId}`);
      const panel = page.getByRole('region', { name: 'Reports by e-mail' });
      await panel.waitFor();
      await panel.getByLabel('E-mail me the daily report').check();
      await panel.getByText('You will receive the daily report by e-mail.').waitFor();
      expect(server.core.reportMail.preferences(server.core.users.byEmail(people.manager.email)!.id)).toEqual({ daily: true, weekly: false });
      await panel.getByRole('button', { name: 'Send me a test report' }).click();
      await panel.getByText(`Sent ${HOTEL.name}’s latest report to ${people.manager.email}.`).waitFor();
      const sent = mailApi.requests.filter((r) => r.path === '/v3/mail/send').map((r) => JSON.parse(r.body) as { personalizations: { to: { email: string }[] }[]; attachments: { type: string }[] });
      expect(sent.at(-1)).toMatchObject({ personalizations: [{ to: [{ email: people.manager.email }] }], attachments: [{ type: 'application/pdf' }] });
      await screenshot(page, 'reports-by-email');
      await expectNoSeriousA11yViolations(page);
      expect(errors).toEqual([]);
      await page.context().close();
    },
    BROWSER_TEST_MS,
  );
});
