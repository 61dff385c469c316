import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.stop();
});

const hotel = { name: 'Harbour View Hotel', slug: 'harbour-view', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' };

function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('two listeners', () => {
  it('answers /health on both', async () => {
    for (const base of [s.staffUrl, s.publicUrl]) {
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    }
  });

  it('never serves the staff API, readiness or metrics on the public listener', async () => {
    const created = await s.admin.fetch(`/api/v1/properties`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hotel, slug: 'public-probe' }) });
    expect(created.status).toBe(201);
    for (const p of ['/api/v1/properties', '/api/v1/properties/public-probe', '/api/v1/openapi.json', '/api/v1/system/errors', '/ready', '/metrics', '/']) {
      const res = await fetch(`${s.publicUrl}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const text = await res.text();
      expect(text).not.toContain('Harbour View Hotel');
      expect(text).not.toContain('"items"');
    }
    const post = await fetch(`${s.publicUrl}/api/v1/properties`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hotel, slug: 'via-tunnel' }) });
    expect(post.status).toBe(404);
    const list = (await (await s.admin.fetch(`/api/v1/properties`)).json()) as { items: { slug: string }[] };
    expect(list.items.map((p) => p.slug)).not.toContain('via-tunnel');
  });

  it('rejects a request whose Host is not the staff listener itself (DNS rebinding)', async () => {
    const port = new URL(s.staffUrl).port;
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:1`, `attacker.127.0.0.1.nip.io:${port}`]) {
      const res = await rawRequest(`${s.staffUrl}/api/v1/properties`, { headers: { host } });
      expect(res.status, host).toBe(421);
    }
    const ok = await rawRequest(`${s.staffUrl}/api/v1/auth/session`, { headers: { host: `localhost:${port}` } });
    expect(ok.status).toBe(200);
  });
});

describe('properties API', () => {
  it('creates a hotel with its own database file and reads it by id or slug', async () => {
    const res = await s.admin.fetch(`/api/v1/properties`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hotel) });
    expect(res.status).toBe(201);
    const p = (await res.json()) as { id: string; slug: string; deskHours: Record<string, unknown[]> };
    expect(p.id).toMatch(/^prop_/);
    expect(p.deskHours.mon).toHaveLength(1);
    expect(readdirSync(path.join(s.dataDir, 'properties'))).toContain(`${p.id}.db`);
    for (const key of [p.id, p.slug]) {
      const got = await s.admin.fetch(`/api/v1/properties/${key}`);
      expect(got.status).toBe(200);
      expect(((await got.json()) as { id: string }).id).toBe(p.id);
    }
  });

  it('updates settings: split shifts, overnight desk, closures', async () => {
    const deskHours = { mon: [{ open: '07:00', close: '11:00' }, { open: '17:00', close: '23:00' }], sat: [{ open: '22:00', close: '06:00' }] };
    const res = await s.admin.fetch(`/api/v1/properties/harbour-view`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deskHours, closures: [{ date: '2026-12-25', note: 'Christmas' }], retentionDays: 120 }),
    });
    expect(res.status).toBe(200);
    const p = (await res.json()) as { deskHours: Record<string, unknown[]>; retentionDays: number; closures: unknown[] };
    expect(p.deskHours.mon).toHaveLength(2);
    expect(p.deskHours.sun).toEqual([]);
    expect(p.retentionDays).toBe(120);
    expect(p.closures).toHaveLength(1);
  });

  it('names each invalid field in a problem+json 400', async () => {
    const res = await s.admin.fetch(`/api/v1/properties`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'X', slug: 'Bad Slug!', timezone: 'Mars/Olympus', currency: 'ringgit' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await res.json()) as { errors: { path: string }[]; requestId: string };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['currency', 'slug', 'timezone']);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('refuses a duplicate slug with 409 and an unknown hotel with 404', async () => {
    const dup = await s.admin.fetch(`/api/v1/properties`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hotel) });
    expect(dup.status).toBe(409);
    expect((await s.admin.fetch(`/api/v1/properties/no-such-hotel`)).status).toBe(404);
  });

  it('answers malformed JSON with 400 and an oversized body with 413, writing nothing', async () => {
    const before = ((await (await s.admin.fetch(`/api/v1/properties`)).json()) as { items: unknown[] }).items.length;
    const filesBefore = readdirSync(path.join(s.dataDir, 'properties')).length;
    const bad = await s.admin.fetch(`/api/v1/properties`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": "Broken", "slug": "broken",' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/not valid JSON/);
    const huge = JSON.stringify({ ...hotel, slug: 'huge', name: 'x'.repeat(2 * 1024 * 1024) });
    const big = await s.admin.fetch(`/api/v1/properties`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const wrongType = await s.admin.fetch(`/api/v1/properties`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=x' });
    expect(wrongType.status).toBe(415);
    const after = ((await (await s.admin.fetch(`/api/v1/properties`)).json()) as { items: unknown[] }).items.length;
    expect(after).toBe(before);
    expect(readdirSync(path.join(s.dataDir, 'properties')).length).toBe(filesBefore);
  });
});

describe('operations endpoints', () => {
  it('sends a request id and security headers on every response', async () => {
    const res = await s.admin.fetch(`/api/v1/properties`, { headers: { 'x-request-id': 'support-ticket-1234' } });
    expect(res.headers.get('x-request-id')).toBe('support-ticket-1234');
    const fresh = await s.admin.fetch(`/api/v1/properties`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('reports readiness of databases and keys', async () => {
    const res = await fetch(`${s.staffUrl}/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
    expect(body.ready).toBe(true);
    expect(body.checks.database!.ok).toBe(true);
    expect(body.checks.keys!.ok).toBe(true);
  });

  it('exposes Prometheus metrics labelled by route template, not raw path', async () => {
    await s.admin.fetch(`/api/v1/properties/harbour-view`);
    const text = await (await fetch(`${s.staffUrl}/metrics`)).text();
    expect(text).toContain('nocturn_http_request_duration_seconds_bucket');
    expect(text).toMatch(/route="\/api\/v1\/properties\/:id"/);
    expect(text).not.toContain('harbour-view');
    expect(text).toMatch(/nocturn_http_errors_total\{[^}]*status="404"/);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await (await s.admin.fetch(`/api/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/api/v1/properties']!.post!;
    expect(Object.keys(create.requestBody!.content['application/json']!.schema.properties)).toEqual(
      expect.arrayContaining(['name', 'slug', 'timezone', 'deskHours']),
    );
    expect(doc.paths['/api/v1/properties/{id}']!.patch).toBeDefined();
  });

  it('records unexpected errors grouped by fingerprint, without a stack trace in the answer', async () => {
    const { route } = await import('../../server/http/route.js');
    const { mountRoutes } = await import('../../server/http/router.js');
    const { problemHandler } = await import('../../server/http/problem.js');
    const express = (await import('express')).default;
    const app = express();
    app.use(
      mountRoutes([
        route({ method: 'get', path: '/boom', summary: 'boom', tag: 't', permission: 'x', handler: () => { throw new Error('disk on fire for bob@example.com'); } }),
      ]),
    );
    app.use(problemHandler(s.core.log, s.core.errors));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/boom`);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/disk on fire|at .*\.ts/);
    }
    server.close();
    const groups = (await (await s.admin.fetch(`/api/v1/system/errors`)).json()) as { items: { count: number; message: string; route: string }[] };
    const g = groups.items.find((i) => i.route === '/boom');
    expect(g?.count).toBe(3);
    expect(g?.message).toBe('disk on fire for [email]');
  });
});
