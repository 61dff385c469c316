import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';

/**
 * What an operator is told on a fresh checkout: the staff address explains how to build the UI
 * instead of answering JSON 404, and /ready warns in plain words while the trial key file
 * protects guest data.
 */

describe('a checkout whose staff UI was never built, on the trial key', () => {
  let s: TestServer;
  const ui = tempDir('nocturn-no-ui-');

  beforeAll(async () => {
    s = await startTestServer({ staticDir: ui.dir });
  });
  afterAll(async () => {
    await s.stop();
    ui.remove();
  });

  it('answers the staff address with how to build the UI, and says where it looked', async () => {
    expect(s.uiNotBuilt).toBe(ui.dir);
    for (const page of ['/', '/inbox']) {
      const res = await fetch(`${s.staffUrl}${page}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('staff app is not built');
      expect(html).toContain('npm run build:renderer');
      expect(html).toContain('nocturn serve');
    }
    // The API keeps answering in problem+json.
    const api = await fetch(`${s.staffUrl}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(s.logs()).toContain('The staff app is not built yet');
  });

  it('warns on /ready that guest data is protected by the trial key file, and says how to set a real one', async () => {
    const res = await fetch(`${s.staffUrl}/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ready: boolean; warnings: string[]; checks: { keys: { ok: boolean; warning?: string } } };
    expect(body.ready).toBe(true);
    expect(body.checks.keys.warning).toMatch(/trial key/);
    expect(body.warnings).toEqual([body.checks.keys.warning]);
    expect(body.warnings[0]).toContain('NOCTURN_MASTER_KEY');
    expect(body.warnings[0]).toContain('nocturn keys rotate-master');
  });
});

describe('a server with a real master key and no UI to serve', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { NOCTURN_MASTER_KEY: randomBytes(32).toString('base64'), NOCTURN_SERVE_UI: 'false' } });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('has no key warning, and a headless API server is not told to build a UI', async () => {
    const body = (await (await fetch(`${s.staffUrl}/ready`)).json()) as { warnings: string[]; checks: { keys: { warning?: string } } };
    expect(body.warnings).toEqual([]);
    expect(body.checks.keys.warning).toBeUndefined();
    expect(s.uiNotBuilt).toBeUndefined();
    expect((await fetch(`${s.staffUrl}/`)).status).toBe(404);
  });
});
