import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { connectionOf } from '../../server/db/handle.js';
import { CHROMIUM, HAS_CHROMIUM, expectNoSeriousA11yViolations, launchChromium, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStub, type OllamaChatBody, type OllamaStub } from '../support/ollama-stub.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The website widget in a real Chromium, as a guest meets it: a hotel's page on its own origin
 * embeds the script from Nocturn's public listener; the guest opens the chat on a phone-sized
 * screen, asks, sees the typing indicator and then the answer arrive live (the model is an
 * Ollama-protocol stand-in); a page on an origin the hotel did not allow cannot use the widget.
 */

const BROWSER_TEST_MS = 60_000;
const PHONE = { width: 375, height: 740 };

const ANSWER = 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily.';

function itemId(body: OllamaChatBody, title: string): string {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  return new RegExp(`<item id="([^"]+)" title="${title}"`).exec(system)?.[1] ?? 'missing';
}

function modelReply(body: OllamaChatBody): string {
  const id = itemId(body, 'Breakfast');
  return JSON.stringify({
    reply: ANSWER,
    confidence: 0.94,
    intent: 'dining',
    handoff: false,
    handoffReason: null,
    citedItemIds: [id],
    lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null },
  });
}

/** A hotel's own website on its own loopback origin, with the pasted snippet. */
async function startHotelSite(snippet: () => string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Harbour View Hotel, Penang</title></head>
<body>
<header><h1>Harbour View Hotel</h1></header>
<main><p>Sea-view rooms in George Town, five minutes from the ferry terminal.</p><p><a href="#rooms">See our rooms</a></p></main>
${snippet()}
</body>
</html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'website widget in Chromium' : `website widget in Chromium (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let ollama: OllamaStub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let hotelSite: Awaited<ReturnType<typeof startHotelSite>>;
  let otherSite: Awaited<ReturnType<typeof startHotelSite>>;
  let snippet = '';
  let propertyId = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ollama = await startOllamaStub();
    // Slow enough for a person (and the test) to see the typing indicator.
    ollama.behave({ kind: 'reply', content: modelReply, delayMs: 1_500 });
    server = await startTestServer({ env: { NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_TIMEOUT_MS: '10000', NOCTURN_LLM_RETRIES: '0', NOCTURN_EMBEDDER: 'none' } });
    const created = await server.admin.post('/api/v1/properties', { name: 'Harbour View Hotel', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
    expect(created.status).toBe(201);
    propertyId = ((await created.json()) as { id: string }).id;
    const kb = await server.admin.put(`/api/v1/properties/${propertyId}/knowledge-base`, {
      items: [
        { category: 'dining', title: 'Breakfast', content: 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily. Breakfast costs RM 45 per adult; children under 6 eat free.' },
        { category: 'facilities', title: 'Swimming pool', content: 'The rooftop pool is open from 7am to 9pm. Towels are provided at the pool.' },
      ],
    });
    expect(kb.status).toBe(200);
    await server.core.knowledge.whenIdle(propertyId);

    hotelSite = await startHotelSite(() => snippet);
    otherSite = await startHotelSite(() => snippet);
    const widget = await server.admin.put(`/api/v1/properties/${propertyId}/channels/widget`, { allowedOrigins: [hotelSite.origin], title: 'Harbour View', greeting: 'Hello! Ask us anything about your stay.' });
    expect(widget.status).toBe(200);
    snippet = ((await widget.json()) as { snippet: string }).snippet;
    expect(snippet).toContain(`${server.publicUrl}/widget/widget.js`);

    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await ollama?.close();
    await hotelSite?.close();
    await otherSite?.close();
  });

  /** The id (or name) of the focused element inside the widget's shadow root. Page code, so written as a string. */
  const focusedInWidget = (p: Page) =>
    p.evaluate<string | null>(`(() => {
      const active = document.querySelector('[data-nocturn-widget]')?.shadowRoot?.activeElement;
      return active ? active.id || active.getAttribute('aria-label') || active.textContent : null;
    })()`);
  const focusInsidePanel = (p: Page) =>
    p.evaluate<boolean>(`(() => {
      const root = document.querySelector('[data-nocturn-widget]')?.shadowRoot;
      const panel = root?.getElementById('nw-panel');
      return Boolean(panel && root.activeElement && panel.contains(root.activeElement));
    })()`);

  it(
    'a guest opens the chat on a phone, asks, sees typing and then the answer live',
    async () => {
      await page.goto(hotelSite.origin);
      await page.locator('[data-nocturn-widget][data-state="ready"]').waitFor({ state: 'attached' });
      const launcher = page.getByRole('button', { name: 'Chat with us' });
      await launcher.click();
      const dialog = page.getByRole('dialog', { name: 'Harbour View' });
      await dialog.waitFor();
      expect(await launcher.getAttribute('aria-expanded')).toBe('true');
      await dialog.getByText('Hello! Ask us anything about your stay.').waitFor();
      expect(await focusedInWidget(page)).toBe('nw-input');

      // Full width on a 375 px screen.
      const box = (await dialog.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(PHONE.width - 1);
      await expectNoSeriousA11yViolations(page);

      const input = dialog.getByLabel('Your message');
      await input.fill('What time is breakfast served?');
      await input.press('Enter');
      await dialog.getByText('What time is breakfast served?').waitFor();
      expect(await input.inputValue()).toBe('');

      const typing = dialog.getByText('Harbour View is typing…');
      await typing.waitFor({ state: 'visible' });
      await screenshot(page, 'widget-phone-typing');

      await dialog.getByText(ANSWER).waitFor();
      await typing.waitFor({ state: 'hidden' });
      await screenshot(page, 'widget-phone-answer');
      await expectNoSeriousA11yViolations(page);
      expect(pageErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'records "Was this helpful?" on the AI reply',
    async () => {
      const dialog = page.getByRole('dialog', { name: 'Harbour View' });
      const helpful = dialog.getByRole('group', { name: 'Was this helpful?' }).getByRole('button', { name: 'Yes, helpful' });
      await helpful.click();
      await dialog.getByText('Thanks for your feedback.').waitFor();
      expect(await helpful.getAttribute('aria-pressed')).toBe('true');
      const db = connectionOf(server.core.properties.scope(propertyId));
      await expect.poll(() => db.prepare('select helpful from widget_feedback').all()).toEqual([{ helpful: 1 }]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'offers to take contact details after the first message, and adds them to the lead',
    async () => {
      const dialog = page.getByRole('dialog', { name: 'Harbour View' });
      const form = dialog.getByRole('form', { name: 'Stay in touch?' });
      await form.getByRole('button', { name: 'Leave details' }).click();
      await form.getByLabel('Name').fill('Siti Rahman');
      await form.getByLabel('Email').fill('siti@');
      await form.getByRole('button', { name: 'Save details' }).click();
      await form.getByRole('alert').getByText('That email address does not look right.').waitFor();
      await form.getByLabel('Email').fill('siti@example.com');
      await form.getByRole('button', { name: 'Save details' }).click();
      await form.waitFor({ state: 'hidden' });
      await dialog.getByText('Thank you — we will be in touch.').waitFor();
      await expect
        .poll(async () => {
          const { items } = (await (await server.admin.get(`/api/v1/properties/${propertyId}/leads`)).json()) as { items: { details: { name: string | null; email: string | null } }[] };
          return items.map((l) => l.details);
        })
        .toEqual([expect.objectContaining({ name: 'Siti Rahman', email: 'siti@example.com' })]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'explains the 2,000-character limit before sending',
    async () => {
      const dialog = page.getByRole('dialog', { name: 'Harbour View' });
      const input = dialog.getByLabel('Your message');
      await input.fill('x'.repeat(2001));
      await dialog.getByText('2,001 of 2,000 characters').waitFor();
      await input.press('Enter');
      await dialog.getByRole('alert').getByText('Your message is too long: 2,001 characters. The limit is 2,000 characters').waitFor();
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      await input.fill('');
    },
    BROWSER_TEST_MS,
  );

  it(
    'keeps focus inside the open chat, and Escape closes it back to the launcher',
    async () => {
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        expect(await focusInsidePanel(page)).toBe(true);
      }
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Shift+Tab');
        expect(await focusInsidePanel(page)).toBe(true);
      }
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Harbour View' }).waitFor({ state: 'hidden' });
      expect(await focusedInWidget(page)).toMatch(/Chat with us/);
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows the conversation again after a reload, and a staff reply arrives live',
    async () => {
      await page.reload();
      await page.locator('[data-nocturn-widget][data-state="ready"]').waitFor({ state: 'attached' });
      await page.getByRole('button', { name: /Chat with us/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Harbour View' });
      await dialog.getByText('What time is breakfast served?').waitFor();
      await dialog.getByText(ANSWER).waitFor();
      expect(await dialog.getByRole('button', { name: 'Yes, helpful' }).getAttribute('aria-pressed')).toBe('true');

      const { items } = (await (await server.admin.get(`/api/v1/properties/${propertyId}/conversations`)).json()) as { items: { id: string; channel: string }[] };
      const conversation = items.find((c) => c.channel === 'widget')!;
      const sent = await server.admin.post(`/api/v1/properties/${propertyId}/conversations/${conversation.id}/messages`, { text: 'We can also bring breakfast to your room.' });
      expect(sent.status).toBe(201);
      await dialog.getByText('We can also bring breakfast to your room.').waitFor();
      await screenshot(page, 'widget-phone-staff-reply');
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows the reply as the model writes it, in a bubble that becomes the final message',
    async () => {
      const POOL = 'The rooftop pool is open from 7am to 9pm every day, and towels are provided at the pool, so there is no need to bring your own.';
      ollama.once({ kind: 'reply', content: (body) => modelReply(body).replace(ANSWER, POOL).replace(/"citedItemIds":\["[^"]*"\]/, `"citedItemIds":["${itemId(body, 'Swimming pool')}"]`), chunkSize: 3, chunkDelayMs: 40 });
      const fresh = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'en-GB' });
      const guest = await fresh.newPage();
      await guest.goto(hotelSite.origin);
      await guest.locator('[data-nocturn-widget][data-state="ready"]').waitFor({ state: 'attached' });
      await guest.getByRole('button', { name: 'Chat with us' }).click();
      const dialog = guest.getByRole('dialog', { name: 'Harbour View' });
      const input = dialog.getByLabel('Your message');
      await input.fill('Until when is the pool open?');
      await input.press('Enter');

      const draft = guest.locator('[data-nocturn-widget] .msg.draft');
      await draft.waitFor({ state: 'visible' });
      const partial = (await draft.textContent()) ?? '';
      expect(partial.length).toBeGreaterThan(0);
      expect(POOL.startsWith(partial)).toBe(true);
      expect(partial.length).toBeLessThan(POOL.length);
      await screenshot(guest, 'widget-phone-draft');

      await dialog.getByText(POOL).waitFor({ timeout: 15_000 });
      expect(await draft.count()).toBe(0);
      expect(await dialog.getByText(POOL).count()).toBe(1);
      await fresh.close();
    },
    BROWSER_TEST_MS,
  );

  it(
    'asks for contact details first when the hotel wants them before the chat',
    async () => {
      const res = await server.admin.put(`/api/v1/properties/${propertyId}/channels/widget`, { allowedOrigins: [hotelSite.origin], title: 'Harbour View', askContactBefore: true });
      expect(res.status).toBe(200);
      const fresh = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'en-GB' });
      const guest = await fresh.newPage();
      await guest.goto(hotelSite.origin);
      await guest.locator('[data-nocturn-widget][data-state="ready"]').waitFor({ state: 'attached' });
      await guest.getByRole('button', { name: 'Chat with us' }).click();
      const dialog = guest.getByRole('dialog', { name: 'Harbour View' });
      const form = dialog.getByRole('form', { name: 'Before we start' });
      await form.waitFor();
      expect(await dialog.getByLabel('Your message').isVisible()).toBe(false);
      await form.getByLabel('Name').fill('Wei Ling');
      await form.getByRole('button', { name: 'Start chat' }).click();
      await form.getByRole('alert').getByText('Please give an email address or a phone number.').waitFor();
      await form.getByLabel('Phone').fill('+60 12-345 6789');
      await screenshot(guest, 'widget-phone-contact-first');
      await expectNoSeriousA11yViolations(guest);
      await form.getByRole('button', { name: 'Start chat' }).click();
      const input = dialog.getByLabel('Your message');
      await input.waitFor();
      await input.fill('Is breakfast included?');
      await input.press('Enter');
      await dialog.getByText(ANSWER).waitFor({ timeout: 15_000 });
      await fresh.close();
    },
    BROWSER_TEST_MS,
  );

  it(
    'cannot be used from a site the hotel did not allow',
    async () => {
      const other = await context.newPage();
      await other.goto(otherSite.origin);
      await other.locator('[data-nocturn-widget][data-state="unavailable"]').waitFor({ state: 'attached' });
      await other.getByRole('button', { name: 'Chat with us' }).click();
      const dialog = other.getByRole('dialog');
      await dialog.getByText('Chat is not available on this website right now.').waitFor();
      expect(await dialog.getByLabel('Your message').isVisible()).toBe(false);
      await screenshot(other, 'widget-phone-unavailable');

      // The API itself refuses this origin: the browser gets no CORS permission to read anything.
      const key = /data-key="([^"]+)"/.exec(snippet)![1]!;
      const attempt = await other.evaluate(
        async ({ base, key }) => {
          try {
            const res = await fetch(`${base}/widget/api/messages?key=${key}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ key, sessionId: `ws_${'a'.repeat(32)}`, clientMessageId: 'cm_from_elsewhere', text: 'hello' }),
            });
            return `status ${res.status}`;
          } catch {
            return 'blocked';
          }
        },
        { base: server.publicUrl, key },
      );
      expect(attempt).toBe('blocked');
      await other.close();
    },
    BROWSER_TEST_MS,
  );
});
