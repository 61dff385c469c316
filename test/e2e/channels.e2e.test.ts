import { randomUUID } from 'node:crypto';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, HAS_CHROMIUM, RENDERER_DIR, ensureRendererBuilt, expectNoSeriousA11yViolations, launchChromium, openStaffPage, screenshot } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../server/shared/actor.js';
import { mailgunSignature, startEmailProviderStub, type EmailProviderStub } from '../support/email-provider-stub.js';
import { ADMIN, json, startTestServer, type TestServer } from '../support/server.js';

/**
 * An admin sets up a hotel's website chat and email channel from its settings screen, in a real
 * Chromium against the real server: the widget's allowed websites, texts and snippet (copied, and
 * a new key issued after a confirmation); email with Mailgun (a signed delivery to the URL shown is
 * accepted), Postmark sending by SMTP, and SendGrid's one-time Inbound Parse key. Stored secrets
 * are named on the page but never shown, and the screen passes axe.
 */

const BROWSER_TEST_MS = 60_000;

const HOTEL = { name: 'Harbour View', slug: 'harbour-view', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' };
const SITE = 'https://www.harbourview.test';
const MAILGUN = { inbound: 'stay@mg.harbourview.test', signingKey: 'mailgun-signing-key-0123456789', apiKey: 'key-mailgun-private-0123456789', domain: 'mg.harbourview.test' };
const POSTMARK = { user: 'harbour-inbound', password: 'postmark-hook-pass-123', smtpHost: 'smtp.harbourview.test', smtpUser: 'desk@harbourview.test', smtpPassword: 'smtp-secret-pass-123' };
const SECRETS = [MAILGUN.signingKey, MAILGUN.apiKey, POSTMARK.password, POSTMARK.smtpPassword];

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'staff UI: channel set-up' : `staff UI: channel set-up (skipped: no Chromium at ${CHROMIUM})`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let hotelId = '';
  let providers: EmailProviderStub;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    // The email providers' APIs on loopback, so "Connected" is what the provider said of the key.
    providers = await startEmailProviderStub();
    server = await startTestServer({
      staticDir: RENDERER_DIR,
      env: { NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_MAILGUN_API_BASE: providers.url, NOCTURN_POSTMARK_API_BASE: providers.url },
    });
    hotelId = server.core.properties.create(HOTEL, cliActor('test')).id;
    browser = await launchChromium();
    ({ page } = await openStaffPage(browser, { viewport: { width: 1280, height: 900 }, clipboardOrigin: server.staffUrl, errors: browserErrors }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await providers?.close();
  });

  async function clipboard(): Promise<string> {
    return page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
  }

  /** No stored secret anywhere on the page, in text or in a field. */
  async function expectNoSecretsShown(): Promise<void> {
    const text = (await page.locator('body').innerText()) + JSON.stringify(await page.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value)));
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  }

  const channels = () => page.getByRole('region', { name: 'Channels' });
  const widget = () => channels().getByRole('region', { name: 'Website chat' });
  const email = () => channels().getByRole('region', { name: 'Email' });
  /** Presses a copy button, waits for its own "Copied", and reads the clipboard. */
  const copiedFrom = async (card: Locator, button: string): Promise<string> => {
    const copy = card.getByRole('button', { name: button });
    await copy.click();
    await copy.locator('xpath=following-sibling::*[@role="status"][1]').getByText('Copied', { exact: true }).waitFor();
    return clipboard();
  };

  it(
    'sets up the website chat: allowed websites, texts, the snippet to copy, and a new key only after confirming',
    async () => {
      await page.goto(server.staffUrl);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      await page.goto(`${server.staffUrl}/#/properties/${hotelId}`);
      await page.getByRole('heading', { level: 1, name: HOTEL.name }).waitFor();
      await widget().getByText('Not set up').waitFor();

      // A website with a path is refused by the server, shown at the field, and nothing is stored.
      await widget().getByRole('button', { name: 'Set up Website chat' }).click();
      const form = widget().getByRole('form', { name: 'Set up website chat' });
      const origins = form.getByLabel('Websites allowed to show the chat');
      await origins.fill(`${SITE}\nhttps://booking.harbourview.test/rooms`);
      await form.getByLabel('Chat title').fill('Harbour View desk');
      await form.getByLabel('Greeting').fill('Hello! Ask us anything about your stay.');
      await form.getByLabel('Ask for the guest’s name and email or phone before the chat starts').check();
      await form.getByRole('button', { name: 'Save channel' }).click();
      await form.getByRole('alert').getByText('Channel not saved').waitFor();
      expect(await origins.getAttribute('aria-invalid')).toBe('true');
      expect(await form.getByRole('alert').textContent()).toContain('Websites, line 2');
      expect(server.core.channels.get(hotelId, 'widget')).toBeUndefined();

      await origins.fill(`${SITE}\nhttps://booking.harbourview.test`);
      await form.getByRole('button', { name: 'Save channel' }).click();
      await widget().getByText('Website chat saved.').waitFor();
      await widget().getByText('Connected').waitFor();
      const binding = server.core.channels.get(hotelId, 'widget')!;
      expect(binding.settings).toMatchObject({ allowedOrigins: [SITE, 'https://booking.harbourview.test'], title: 'Harbour View desk', greeting: 'Hello! Ask us anything about your stay.', askContactBefore: true });

      // The snippet loads the script from the public listener with this hotel's key, and copies as shown.
      const snippet = `<script src="${server.publicUrl}/widget/widget.js" data-key="${binding.routingKey}"></script>`;
      expect(await widget().locator('pre').textContent()).toBe(snippet);
      expect(await copiedFrom(widget(), 'Copy widget snippet')).toBe(snippet);
      await widget().getByText('Asked before the chat starts').waitFor();
      await screenshot(page, 'channels-widget');
      await expectNoSeriousA11yViolations(page);

      // Issuing a new key asks first; cancelling keeps the key.
      await widget().getByRole('button', { name: 'Issue a new key' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Issue a new widget key?' });
      await confirm.waitFor();
      await expectNoSeriousA11yViolations(page);
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      expect(server.core.channels.get(hotelId, 'widget')!.routingKey).toBe(binding.routingKey);

      await widget().getByRole('button', { name: 'Issue a new key' }).click();
      await confirm.getByRole('button', { name: 'Issue new key' }).click();
      await confirm.waitFor({ state: 'detached' });
      await widget().getByText(/^New key issued/).waitFor();
      const rotated = server.core.channels.get(hotelId, 'widget')!;
      expect(rotated.routingKey).not.toBe(binding.routingKey);
      expect(rotated.routingKey).toMatch(/^wk_[A-Za-z0-9_-]{32}$/);
      // Everything else was kept, and the old key still works for the overlap window.
      expect(rotated.settings).toEqual({ ...binding.settings, previousKey: binding.routingKey, previousKeyValidUntil: expect.any(String) });
      expect(Date.parse(rotated.settings.previousKeyValidUntil as string)).toBeGreaterThan(Date.now() + 71 * 3_600_000);
      expect(await widget().locator('pre').textContent()).toBe(snippet.replace(binding.routingKey, rotated.routingKey));
      // The server answers with the same snippet.
      const described = (await json(await server.admin.get(`/api/v1/properties/${hotelId}/channels/widget`))) as { snippet: string };
      expect(await widget().locator('pre').textContent()).toBe(described.snippet);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'sets up email with Mailgun: names the missing secrets, then shows the route URL that accepts signed deliveries',
    async () => {
      await email().getByText('Not set up').waitFor();
      await email().getByRole('button', { name: 'Set up Email' }).click();
      const form = email().getByRole('form', { name: 'Set up email' });
      await form.getByLabel('Provider').selectOption({ label: 'Mailgun' });
      await form.getByLabel('Inbound address').fill(MAILGUN.inbound);
      await form.getByLabel('Sender name').fill('Harbour View Front Desk');

      // Without the signing key and the API key, the server names both and nothing is stored.
      await form.getByRole('button', { name: 'Save channel' }).click();
      await form.getByRole('alert').getByText('Channel not saved').waitFor();
      for (const label of ['Webhook signing key', 'API key']) expect(await form.getByLabel(label, { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(server.core.channels.get(hotelId, 'email')).toBeUndefined();
      await form.scrollIntoViewIfNeeded();
      await screenshot(page, 'channels-email-form');
      await expectNoSeriousA11yViolations(page);

      await form.getByLabel('Webhook signing key').fill(MAILGUN.signingKey);
      expect(await form.getByLabel('Through the Mailgun API').isChecked()).toBe(true);
      await form.getByLabel('API key', { exact: true }).fill(MAILGUN.apiKey);
      await form.getByLabel('Mailgun sending domain').fill(MAILGUN.domain);
      await form.getByRole('button', { name: 'Save channel' }).click();
      await email().getByText(/^Email saved/).waitFor();
      await email().getByText('Connected').waitFor();
      await email().getByText('Mailgun accepts the API key.').waitFor();
      expect(providers.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v3/domains/${MAILGUN.domain}` });
      // The key is revoked at Mailgun: "Check again" says so, with the time of the check.
      providers.script({ status: 401, body: { message: 'Invalid private key' } });
      await email().getByRole('button', { name: 'Check again Email' }).click();
      await email().getByText('Credentials rejected').waitFor();
      await email().getByText('Mailgun refused the API key (401).').waitFor();
      await email().getByText(/^Checked /).waitFor();
      await screenshot(page, 'channels-email-rejected');
      await email().getByRole('button', { name: 'Check again Email' }).click();
      await email().getByText('Connected').waitFor();

      const routeUrl = `${server.publicUrl}/webhooks/email/mailgun`;
      await email().getByText(routeUrl, { exact: true }).waitFor();
      await email().getByText(`${routeUrl}/mime`, { exact: true }).waitFor();
      expect(await copiedFrom(email(), 'Copy Mailgun route URL')).toBe(routeUrl);
      const status = (await email().locator('dl').innerText()).replace(/\s+/g, ' ');
      expect(status).toContain(`Harbour View Front Desk <${MAILGUN.inbound}>`);
      expect(status).toContain(`Mailgun API, domain ${MAILGUN.domain}`);
      expect(status).toContain('API key, signing key (never shown)');
      await expectNoSecretsShown();
      await email().scrollIntoViewIfNeeded();
      await screenshot(page, 'channels-email-mailgun');
      await expectNoSeriousA11yViolations(page);

      const stored = server.core.channels.get<Record<string, string>, Record<string, unknown>>(hotelId, 'email')!;
      expect(stored).toMatchObject({ routingKey: MAILGUN.inbound, active: true, secrets: { signingKey: MAILGUN.signingKey, apiKey: MAILGUN.apiKey } });
      expect(stored.settings).toMatchObject({ provider: 'mailgun', sendVia: 'api', fromName: 'Harbour View Front Desk', mailgunDomain: MAILGUN.domain });

      // The URL shown is the one that works: a delivery signed with the key typed above is accepted.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const token = randomUUID().replace(/-/g, '');
      const delivery = await fetch(routeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          recipient: MAILGUN.inbound,
          sender: 'guest@example.com',
          from: 'A Guest <guest@example.com>',
          subject: 'Late check-in',
          'body-plain': 'Can we check in after midnight?',
          'Message-Id': `<${token}@example.com>`,
          timestamp,
          token,
          signature: await mailgunSignature(MAILGUN.signingKey, timestamp, token),
        }).toString(),
      });
      expect(delivery.status).toBe(200);
      expect(await delivery.json()).toEqual({ status: 'accepted' });
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'switches email to Postmark sending by SMTP, keeping stored secrets hidden, with the webhook URL to fill in',
    async () => {
      await email().getByRole('button', { name: 'Change Email' }).click();
      const form = email().getByRole('form', { name: 'Set up email' });
      // What is stored comes back into the form; secrets do not.
      expect(await form.getByLabel('Inbound address').inputValue()).toBe(MAILGUN.inbound);
      expect(await form.getByLabel('Sender name').inputValue()).toBe('Harbour View Front Desk');
      await form.getByLabel('Provider').selectOption({ label: 'Postmark' });
      await form.getByLabel('Webhook user name').fill(POSTMARK.user);
      await form.getByLabel('Webhook password').fill(POSTMARK.password);
      await form.getByLabel('Through an SMTP server').check();
      await form.getByLabel('SMTP host').fill(POSTMARK.smtpHost);
      await form.getByLabel('SMTP user name').fill(POSTMARK.smtpUser);
      await form.getByLabel('SMTP password').fill(POSTMARK.smtpPassword);
      await form.getByRole('button', { name: 'Save channel' }).click();
      await email().getByText(/^Email saved/).waitFor();

      const hookUrl = server.publicUrl.replace('http://', `http://${POSTMARK.user}:<webhook password>@`) + '/webhooks/email/postmark';
      await email().getByText(hookUrl, { exact: true }).waitFor();
      const status = (await email().locator('dl').innerText()).replace(/\s+/g, ' ');
      expect(status).toContain(`SMTP server ${POSTMARK.smtpHost}:587, as ${POSTMARK.smtpUser}`);
      expect(status).toMatch(/Stored secrets .*SMTP password.*webhook password.* \(never shown\)/);
      await expectNoSecretsShown();
      const stored = server.core.channels.get<Record<string, string>, Record<string, unknown>>(hotelId, 'email')!;
      expect(stored.settings).toMatchObject({ provider: 'postmark', sendVia: 'smtp', smtpHost: POSTMARK.smtpHost, smtpPort: 587, smtpUser: POSTMARK.smtpUser, webhookUsername: POSTMARK.user });
      expect(stored.secrets).toMatchObject({ webhookPassword: POSTMARK.password, smtpPassword: POSTMARK.smtpPassword });
      await screenshot(page, 'channels-email-postmark');
      await expectNoSeriousA11yViolations(page);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows SendGrid’s generated Inbound Parse key once, and only a placeholder after a reload',
    async () => {
      await email().getByRole('button', { name: 'Change Email' }).click();
      const form = email().getByRole('form', { name: 'Set up email' });
      await form.getByLabel('Provider').selectOption({ label: 'SendGrid' });
      await form.getByLabel('Through the SendGrid API').check();
      await form.getByRole('button', { name: 'Save channel' }).click();
      await email().getByText(/^Email saved/).waitFor();
      await email().getByText(/shown only this once/).waitFor();

      const key = server.core.channels.get<Record<string, string>, Record<string, unknown>>(hotelId, 'email')!.secrets.webhookKey!;
      expect(key).toBeTruthy();
      const parseUrl = `${server.publicUrl}/webhooks/email/sendgrid?key=${key}`;
      await email().getByText(parseUrl, { exact: true }).waitFor();
      expect(await copiedFrom(email(), 'Copy SendGrid Inbound Parse URL')).toBe(parseUrl);
      await expectNoSeriousA11yViolations(page);

      await page.reload();
      await page.getByRole('heading', { level: 1, name: HOTEL.name }).waitFor();
      await email().getByText(`${server.publicUrl}/webhooks/email/sendgrid?key=<webhook key>`, { exact: true }).waitFor();
      expect(await page.locator('body').innerText()).not.toContain(key);
      expect(browserErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );
});
