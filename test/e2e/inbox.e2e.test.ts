import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, HAS_CHROMIUM, RENDERER_DIR, ensureRendererBuilt, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { messageWebhook, postWebhook, startGraphStub, type GraphStub } from '../support/graph-stub.js';
import { ADMIN, json, startTestServer, type TestServer } from '../support/server.js';
import { until } from '../support/wait.js';

/**
 * The front desk's inbox in a real Chromium against the real server: a guest writes on WhatsApp
 * (a signed webhook to the public listener), the conversation appears live at the top, and a
 * staff member takes over, replies (the reply reaches the guest through the Graph API stand-in)
 * and resolves it. Also: hotel isolation, the audited reveal, notifications, accessibility.
 */

const BROWSER_TEST_MS = 60_000;

const WA = { phoneNumberId: '106540352242922', appSecret: 'inbox-e2e-app-secret-31337', accessToken: 'EAAinbox-e2e-token', verifyToken: 'inbox-e2e-verify-token' };
const GUEST = { waId: '60123456789', name: 'Nadia Rahman', text: 'Can you arrange a private yacht dinner for our anniversary on Saturday?' };
const REPLY = 'Happy anniversary! Our concierge can book a yacht dinner for two. Shall I reserve 7 pm on Saturday?';

interface Notes {
  __notes: { title: string; body: string }[];
}

/** What the page functions below touch; the test's own tsconfig has no DOM types. */
interface PageGlobals extends Notes {
  nocturn: unknown;
  document: {
    activeElement: { tagName: string; classList: { contains(name: string): boolean } } | null;
    querySelector(selector: string): { textContent: string | null } | null;
  };
}


describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: live inbox' : `staff UI: live inbox (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let graph: GraphStub;
  let browser: Browser;
  let harbourId: string;
  let hillId: string;
  let n = 0;
  const browserErrors: string[] = [];

  const msg = (text: string, name: string): InboundMessage => ({
    channel: 'test',
    threadKey: `seed-${++n}`,
    externalId: `seed-${n}`,
    text,
    from: { name, phone: `+6012000${String(n).padStart(4, '0')}` },
    receivedAt: new Date(Date.now() - (10 - n) * 60_000),
  });

  beforeAll(async () => {
    ensureRendererBuilt();
    graph = await startGraphStub();
    server = await startTestServer({
      staticDir: RENDERER_DIR,
      // No model on purpose: a question the knowledge base cannot answer must go to a person.
      env: { NOCTURN_WHATSAPP_API_BASE: graph.url, NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_RETRY_BASE_MS: '10' },
    });
    const create = async (body: Record<string, unknown>) => {
      const res = await server.admin.post('/api/v1/properties', body);
      expect(res.status).toBe(201);
      return (await json(res)).id as string;
    };
    harbourId = await create({ name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
    hillId = await create({ name: 'Hill Lodge', slug: 'hill', timezone: 'Europe/London', currency: 'GBP', country: 'GB' });
    expect((await server.admin.put(`/api/v1/properties/${harbourId}/channels/whatsapp`, { phoneNumberId: WA.phoneNumberId, appSecret: WA.appSecret, accessToken: WA.accessToken, verifyToken: WA.verifyToken })).status).toBe(200);

    // Earlier traffic, so "at the top" means something: the AI handling a greeting, and a resolved one.
    const harbour = server.core.properties.scope(harbourId);
    const hill = server.core.properties.scope(hillId);
    await server.core.pipeline.handle(harbour, msg('Hello!', 'Ahmad Zaki'));
    await server.core.pipeline.handle(hill, msg('Good morning', 'Emily Clarke'));
    const done = await server.core.pipeline.handle(harbour, msg('Thanks, that is all.', 'Lim Wei'));
    expect((await server.admin.post(`/api/v1/properties/${harbourId}/conversations/${done.conversationId}/resolve`)).status).toBe(200);

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await graph?.close();
  });

  /** A signed-in desk with the desktop shell's notification bridge recorded. */
  async function desk(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await openStaffPage(browser, {
      errors: browserErrors,
      initScript: () => {
        const w = globalThis as unknown as PageGlobals;
        w.__notes = [];
        w.nocturn = {
          notify: (title: string, body: string) => {
            w.__notes.push({ title, body });
            return Promise.resolve(true);
          },
        };
      },
    });
    await page.goto(server.staffUrl);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    return { context, page };
  }

  const rows = (page: Page) => page.locator('a.inbox-row');

  let conversationId = '';

  it(
    'shows a WhatsApp guest the AI cannot answer at the top of the open inbox within a second, needing a person',
    async () => {
      const agent = await server.staff('agent', 'all');
      const { page } = await desk(agent.email);
      await until(async () => (await rows(page).count()) === 3, 'the earlier conversations');
      expect(await rows(page).first().textContent()).not.toContain(GUEST.name);
      await screenshot(page, 'inbox');
      await expectNoSeriousA11yViolations(page);

      // What the page fetches by itself after a live event is marked as background, so an open
      // inbox does not keep an unattended session awake.
      const refreshes: { url: string; background: string | undefined }[] = [];
      page.on('request', (r) => {
        if (r.method() === 'GET' && r.url().includes('/api/v1/') && !r.url().includes('/api/v1/events')) refreshes.push({ url: r.url(), background: r.headers()['x-nocturn-background'] });
      });
      const webhook = messageWebhook({ phoneNumberId: WA.phoneNumberId, waId: GUEST.waId, name: GUEST.name, text: GUEST.text });
      const res = await postWebhook(server.publicUrl, webhook.body, WA.appSecret);
      expect(res.status).toBe(200);
      const accepted = Date.now();
      await page.waitForFunction((name) => (globalThis as unknown as PageGlobals).document.querySelector('a.inbox-row')?.textContent?.includes(name) ?? false, GUEST.name, { timeout: 5_000, polling: 'raf' });
      const visibleAfterMs = Date.now() - accepted;
      expect(visibleAfterMs, `visible ${visibleAfterMs} ms after the webhook was accepted`).toBeLessThan(1000);

      expect(refreshes.length).toBeGreaterThan(0);
      // Named, so a request made without the mark says which one it was.
      expect(refreshes.filter((r) => r.background !== '1').map((r) => new URL(r.url).pathname)).toEqual([]);

      const top = rows(page).first();
      expect(await top.textContent()).toContain('Needs a person');
      expect(await page.locator('#group-needs_human').textContent()).toMatch(/Needs a person\s*1/);
      // The count beside "Inbox" follows its own live refresh.
      await until(async () => /1/.test((await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Inbox/ }).textContent()) ?? ''), 'the count of conversations needing a person');
      const href = (await top.getAttribute('href')) ?? '';
      expect(href).toContain(`#/inbox/${harbourId}/`);
      conversationId = href.split('/').at(-1)!;

      // The desk is told, through the desktop shell, without the guest's words.
      const notes = await page.evaluate(() => (globalThis as unknown as Notes).__notes);
      expect(notes).toEqual([{ title: 'A guest needs a person', body: expect.stringContaining('Harbour View') as unknown as string }]);
      expect(JSON.stringify(notes)).not.toContain('yacht');
      await screenshot(page, 'inbox-needs-person');

      // Keyboard: j moves to the first conversation, Enter opens it.
      await page.keyboard.press('j');
      await page.keyboard.press('Enter');
      const conversation = page.getByRole('article', { name: GUEST.name });
      await conversation.waitFor();
      expect(await conversation.getByText('Not in the knowledge base').count()).toBe(1);
      const transcript = conversation.getByRole('list', { name: 'Messages' });
      await transcript.getByText(GUEST.text).waitFor();
      expect(await transcript.getByRole('listitem').count()).toBe(2); // the guest, and the hand-off notice
      expect(await conversation.getByText('Asia/Kuala_Lumpur time').count()).toBe(1);
      // The phone number is masked until someone chooses to see it.
      expect(await conversation.locator('.contact').textContent()).toContain('+60 12-••• 6789');
      await screenshot(page, 'conversation');
      await expectNoSeriousA11yViolations(page);

      // Reveal, audited.
      await conversation.getByRole('button', { name: 'Reveal contact details' }).click();
      await conversation.getByText('the reveal is recorded in the audit log').waitFor();
      expect((await conversation.locator('.contact').textContent())?.replace(/\D/g, '')).toContain('60123456789');
      const audit = (await json(await server.admin.get('/api/v1/audit?action=guest.reveal'))) as { items: { target: string; actorId: string }[] };
      expect(audit.items[0]).toMatchObject({ target: `conversation:${conversationId}`, actorId: agent.userId });
      expect(JSON.stringify(audit.items[0])).not.toContain('60123456789');

      // Take over (t), reply (r, Ctrl+Enter): the reply goes to this guest on WhatsApp.
      await page.keyboard.press('t');
      await conversation.locator('.conversation-heading').getByText('With staff').waitFor();
      // Taking over puts the cursor in the reply box; Escape goes back to the list, r returns.
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.tagName === 'TEXTAREA');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.classList.contains('inbox-row') ?? false);
      await page.keyboard.press('r');
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.tagName === 'TEXTAREA');
      await page.keyboard.type(REPLY);
      await page.keyboard.press('Control+Enter');
      await transcript.getByText(REPLY).waitFor();
      await until(() => graph.delivered().some((r) => (r.body.text as { body?: string } | undefined)?.body === REPLY), 'the reply at the Graph API');
      const sent = graph.delivered().find((r) => (r.body.text as { body?: string } | undefined)?.body === REPLY)!;
      expect(sent.path).toContain(`/${WA.phoneNumberId}/messages`);
      expect(sent.body.to).toBe(GUEST.waId);
      // Delivery status comes back live.
      await transcript.getByRole('listitem').filter({ hasText: REPLY }).getByText('Sent').waitFor();
      expect(await transcript.getByRole('listitem').filter({ hasText: REPLY }).locator('.msg-who').textContent()).toBe('You');
      await screenshot(page, 'conversation-replied');

      // Resolve: it leaves the top and joins the resolved ones at the bottom.
      await conversation.getByRole('button', { name: 'Resolve' }).click();
      await conversation.locator('.conversation-heading').getByText('Resolved').waitFor();
      await until(async () => !((await rows(page).first().textContent()) ?? '').includes(GUEST.name), 'the conversation to leave the top');
      const names = await rows(page).locator('.row-guest').allTextContents();
      const resolved = await page.locator('section[aria-labelledby="group-resolved"] a.inbox-row .row-guest').allTextContents();
      expect(resolved).toContain(GUEST.name);
      expect(names.indexOf(GUEST.name)).toBeGreaterThanOrEqual(names.length - resolved.length);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'never shows an agent granted one hotel the other hotel’s conversations, not even live',
    async () => {
      const hillAgent = await server.staff('agent', [hillId]);
      const { page } = await desk(hillAgent.email);
      await until(async () => (await rows(page).count()) === 1, 'the Hill Lodge conversation');
      expect(await rows(page).first().textContent()).toContain('Emily Clarke');
      expect(await page.getByText(GUEST.name).count()).toBe(0);
      expect(await page.getByLabel('Hotel').count()).toBe(0); // one hotel: no hotel filter

      // Harbour View traffic never reaches this desk; Hill Lodge traffic does, at once.
      const other = messageWebhook({ phoneNumberId: WA.phoneNumberId, waId: '60199999999', name: 'Harbour Only Guest', text: 'I need to speak to a manager about a refund.' });
      expect((await postWebhook(server.publicUrl, other.body, WA.appSecret)).status).toBe(200);
      await server.core.inboundQueue.settle();
      await server.core.pipeline.handle(server.core.properties.scope(hillId), msg('Can I talk to a person please?', 'Hill Guest'));
      await page.locator('a.inbox-row', { hasText: 'Hill Guest' }).waitFor();
      expect(await page.getByText('Harbour Only Guest').count()).toBe(0);
      const hrefs = await rows(page).evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
      expect(hrefs.every((h) => h.startsWith(`#/inbox/${hillId}/`))).toBe(true);
      const notes = await page.evaluate(() => (globalThis as unknown as Notes).__notes);
      expect(notes.map((x) => x.body)).toEqual([expect.stringContaining('Hill Lodge')]);

      // A link to the other hotel's conversation shows nothing of it.
      await page.goto(`${server.staffUrl}/#/inbox/${harbourId}/${conversationId}`);
      await page.getByText('This conversation belongs to a hotel you have not been granted.').waitFor();
      expect(await page.getByText(GUEST.text).count()).toBe(0);
      await screenshot(page, 'inbox-one-hotel-agent');

      const api = (await json(await hillAgent.get('/api/v1/inbox'))) as { items: { propertyId: string }[] };
      expect(new Set(api.items.map((c) => c.propertyId))).toEqual(new Set([hillId]));
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'plays the voice note and shows the photo a WhatsApp guest sent, in the conversation',
    async () => {
      const voice = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(2048, 7)]);
      const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');
      graph.addMedia('e2e-voice', voice, 'audio/ogg; codecs=opus');
      graph.addMedia('e2e-photo', photo, 'image/png');
      const waId = '60177770000';
      for (const message of [
        { type: 'audio', audio: { id: 'e2e-voice', mime_type: 'audio/ogg; codecs=opus', voice: true } },
        { type: 'image', image: { id: 'e2e-photo', mime_type: 'image/png' } },
      ]) {
        const hook = messageWebhook({ phoneNumberId: WA.phoneNumberId, waId, name: 'Voice Note Guest', message });
        expect((await postWebhook(server.publicUrl, hook.body, WA.appSecret)).status).toBe(200);
        await server.core.inboundQueue.settle();
        await server.core.whatsapp.settleMedia();
      }
      const agent = await server.staff('agent', 'all');
      const { page } = await desk(agent.email);
      await page.locator('a.inbox-row', { hasText: 'Voice Note Guest' }).click();
      const conversation = page.getByRole('article', { name: 'Voice Note Guest' });
      const recording = conversation.getByLabel(/Recording from the guest/);
      await recording.waitFor();
      const picture = conversation.getByRole('img', { name: 'Picture from the guest' });
      await page.waitForFunction(() => {
        const img = (globalThis as unknown as { document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null } }).document.querySelector('img.msg-media');
        return img !== null && img.complete && img.naturalWidth === 1;
      });
      expect(await picture.count()).toBe(1);
      // The player's source is the recording as the guest sent it.
      const src = (await recording.getAttribute('src'))!;
      const fetched = await page.evaluate(async (url) => {
        const res = await fetch(url);
        return { status: res.status, type: res.headers.get('content-type'), size: (await res.arrayBuffer()).byteLength };
      }, src);
      expect(fetched).toEqual({ status: 200, type: 'audio/ogg', size: voice.length });
      await screenshot(page, 'conversation-voice-note');
      await expectNoSeriousA11yViolations(page);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'inserts a saved reply with its shortcut, hands the conversation back to the AI and assigns it',
    async () => {
      // The AI answered this guest earlier, unsure, citing a knowledge item.
      const item = (await json(await server.admin.post(`/api/v1/properties/${harbourId}/knowledge-base/items`, { category: 'facilities', title: 'Parking', content: 'Parking is free for hotel guests.' }))) as { id: string };
      const ahmad = (await json(await server.admin.get(`/api/v1/properties/${harbourId}/conversations`))) as { items: { id: string; guest: { name: string } }[] };
      const ahmadId = ahmad.items.find((c) => c.guest.name === 'Ahmad Zaki')!.id;
      const suggestion = 'Parking is free for hotel guests, in the basement car park.';
      new ConversationRepository(server.core.properties.scope(harbourId)).insertMessage({
        conversationId: ahmadId,
        role: 'assistant',
        body: suggestion,
        provider: 'ollama',
        model: 'qwen2.5:7b-instruct',
        confidence: 0.42,
        citedItemIds: [item.id],
        deliveryStatus: 'sent',
        createdAt: new Date().toISOString(),
      });

      const agent = await server.staff('agent', 'all');
      const { page } = await desk(agent.email);
      const row = page.locator('a.inbox-row', { hasText: 'Ahmad Zaki' });
      await row.click();
      const conversation = page.getByRole('article', { name: 'Ahmad Zaki' });
      await conversation.waitFor();
      const answer = conversation.getByRole('listitem').filter({ hasText: suggestion });
      await answer.getByText('Confidence 42% (below the hand-off threshold)').waitFor();
      await answer.getByText('Local AI model').waitFor();
      await answer.locator('.citation', { hasText: 'Parking' }).waitFor();

      // A manager keeps the hotel's saved replies; the agent uses them and is not offered the form.
      expect((await server.admin.post(`/api/v1/properties/${harbourId}/saved-replies`, { shortcut: 'parking', text: 'Parking is free for hotel guests in the basement.' })).status).toBe(201);
      await conversation.getByRole('button', { name: /Saved replies/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Saved replies for Harbour View' });
      await dialog.locator('code', { hasText: '/parking' }).waitFor();
      expect(await dialog.getByRole('button', { name: 'Add reply' }).count()).toBe(0);
      await dialog.getByRole('button', { name: 'Close' }).click();

      const box = conversation.getByLabel('Reply to the guest');
      await box.fill('Hello! ');
      await box.press('End');
      await box.pressSequentially('/parking');
      await box.press('Tab');
      expect(await box.inputValue()).toBe('Hello! Parking is free for hotel guests in the basement.');
      await box.fill('');

      await conversation.getByRole('button', { name: 'Assign to me' }).click();
      await conversation.getByText('Assigned to you', { exact: false }).first().waitFor();
      // Taking over offers the AI's last suggestion as an editable draft.
      await conversation.getByRole('button', { name: 'Take over' }).click();
      await conversation.locator('.conversation-heading').getByText('With staff').waitFor();
      await conversation.getByText('The AI’s suggested reply is in the reply box').waitFor();
      expect(await box.inputValue()).toBe(suggestion);
      await screenshot(page, 'conversation-draft');
      await box.fill('');
      await conversation.getByRole('button', { name: 'Hand back to AI' }).click();
      await conversation.locator('.conversation-heading').getByText('AI is handling').waitFor();
      const detail = (await json(await server.admin.get(`/api/v1/properties/${harbourId}/conversations/${(await row.getAttribute('href'))!.split('/').at(-1)}`))) as { status: string };
      expect(detail.status).toBe('ai');

      // ? lists the shortcuts.
      await page.locator('h1').click();
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.waitFor();
      expect(await help.getByRole('row').count()).toBeGreaterThan(8);
      await screenshot(page, 'shortcuts');
      await expectNoSeriousA11yViolations(page);
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );
});
