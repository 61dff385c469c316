import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKGROUND_HEADER } from '../../server/contract/auth.js';
import { PERMISSIONS, roleAllows, type Permission } from '../../server/contract/permissions.js';
import { runCli } from '../../server/cli/main.js';
import type { RouteDef } from '../../server/http/route.js';
import { ManualClock } from '../support/clock.js';
import { ADMIN, signIn, startTestServer, type StaffClient, type TestServer } from '../support/server.js';

let s: TestServer;
const clock = new ManualClock();
let hotelA: { id: string; slug: string };
let hotelB: { id: string; slug: string };

beforeAll(async () => {
  s = await startTestServer({ clock });
  hotelA = (await (await s.admin.post('/api/v1/properties', { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' })).json()) as typeof hotelA;
  hotelB = (await (await s.admin.post('/api/v1/properties', { name: 'Hill Lodge', slug: 'hill', timezone: 'Europe/London' })).json()) as typeof hotelB;
});
afterAll(async () => {
  await s.stop();
});

const apiRoutes = () => s.routes.filter((r) => r.path.startsWith('/api/v1/'));
const isPublic = (r: RouteDef) => PERMISSIONS[r.permission as Permission] === null;

function concrete(r: RouteDef, hotel: string, userId: string): string {
  return r.path.replace(':id', hotel).replace(':userId', userId).replace(/:[A-Za-z]+/g, 'x-unknown');
}

async function call(client: StaffClient | undefined, r: RouteDef, url: string, opts: { csrf?: boolean } = {}): Promise<Response> {
  const init: RequestInit = { method: r.method.toUpperCase() };
  if (r.method !== 'get') init.body = '{}';
  if (!client) return fetch(`${s.staffUrl}${url}`, { ...init, headers: { 'content-type': 'application/json' } });
  const headers: Record<string, string> = { cookie: client.cookie, 'content-type': 'application/json' };
  if (opts.csrf !== false) headers['x-csrf-token'] = client.csrf;
  return fetch(`${s.staffUrl}${url}`, { ...init, headers });
}

describe('every staff route is behind a session (A1)', () => {
  it('answers 401 without a session, for every registered /api/v1 route', async () => {
    const routes = apiRoutes().filter((r) => !isPublic(r));
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const res = await call(undefined, r, concrete(r, hotelA.slug, 'usr_x'));
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('answers 403 to a state-changing request without the CSRF token', async () => {
    const routes = apiRoutes().filter((r) => !isPublic(r) && r.method !== 'get');
    for (const r of routes) {
      const res = await call(s.admin, r, concrete(r, hotelA.slug, 'usr_x'), { csrf: false });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
  });

  it('leaves only sign-in, setup and the session probe public', () => {
    expect(apiRoutes().filter(isPublic).map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'get /api/v1/auth/session',
      'post /api/v1/auth/login',
      'post /api/v1/auth/setup',
    ]);
  });
});

describe('role matrix (A5)', () => {
  it('allows or forbids each route exactly as its declared permission says', async () => {
    const clients = { agent: await s.staff('agent'), manager: await s.staff('manager'), admin: await s.staff('admin') };
    const target = await s.staff('agent');
    const matrix: string[] = [];
    for (const r of apiRoutes().filter((x) => !isPublic(x) && !x.path.endsWith('/logout'))) {
      const row: string[] = [];
      for (const role of ['agent', 'manager', 'admin'] as const) {
        const res = await call(clients[role], r, concrete(r, hotelA.slug, target.userId));
        const allowed = roleAllows(role, r.permission as Permission);
        if (allowed) expect([401, 403], `${role} ${r.method} ${r.path} should pass`).not.toContain(res.status);
        else expect(res.status, `${role} ${r.method} ${r.path} should be forbidden`).toBe(403);
        row.push(allowed ? 'yes' : '403');
      }
      matrix.push(`| ${r.method.toUpperCase()} ${r.path} | ${r.permission} | ${row.join(' | ')} |`);
    }
    console.log(['| route | permission | agent | manager | admin |', '|---|---|---|---|---|', ...matrix].join('\n'));
  });
});

describe('hotel isolation for staff (A4)', () => {
  it('answers 404 for every read and write of a hotel the user is not granted', async () => {
    const agentA = await s.staff('agent', [hotelA.id]);
    const managerA = await s.staff('manager', [hotelA.id]);
    const scoped = apiRoutes().filter((r) => r.path.includes('/properties/:id'));
    expect(scoped.length).toBeGreaterThan(3);
    for (const client of [agentA, managerA]) {
      for (const r of scoped) {
        for (const key of [hotelB.id, hotelB.slug]) {
          const res = await call(client, r, concrete(r, key, 'usr_x'));
          expect(res.status, `${r.method} ${r.path} as ${key}`).toBe(404);
          expect(((await res.json()) as { detail: string }).detail).toBe('No such property');
        }
        const own = await call(client, r, concrete(r, hotelA.slug, 'usr_x'));
        // On the user's own hotel the hotel is found (a nested id that does not exist may still be a 404).
        if (own.status === 404) expect(((await own.json()) as { detail: string }).detail, `${r.method} ${r.path} on own hotel`).not.toBe('No such property');
      }
    }
    const list = (await (await agentA.get('/api/v1/properties')).json()) as { items: { id: string }[] };
    expect(list.items.map((p) => p.id)).toEqual([hotelA.id]);
    // Nothing changed on hotel B.
    const b = (await (await s.admin.get(`/api/v1/properties/${hotelB.id}`)).json()) as { name: string };
    expect(b.name).toBe('Hill Lodge');
  });
});

describe('sign-in throttling (A7)', () => {
  it('slows down, then blocks repeated wrong passwords; the right password works after the window; all audited', async () => {
    const victim = await s.staff('agent');
    const attempt = (password: string) =>
      fetch(`${s.staffUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: victim.email, password }) });
    expect((await attempt('wrong-1')).status).toBe(401);
    expect((await attempt('wrong-2')).status).toBe(401);
    expect((await attempt('wrong-3')).status).toBe(401);
    const delayed = await attempt(ADMIN.password); // even the right password waits during a delay
    expect(delayed.status).toBe(429);
    expect(Number(delayed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const waits: number[] = [];
    for (let i = 4; i <= 8; i++) {
      clock.advance(61_000);
      const res = await attempt(`wrong-${i}`);
      expect(res.status).toBe(401);
      const blocked = await attempt(`wrong-${i}b`);
      expect(blocked.status).toBe(429);
      waits.push(Number(blocked.headers.get('retry-after')));
    }
    expect(waits[0]).toBeLessThan(waits[2]!);
    expect(waits.at(-1)).toBeGreaterThan(10 * 60); // locked for the lock period after 8 failures
    expect(((await (await attempt(ADMIN.password)).json()) as { detail: string }).detail).toMatch(/Try again in \d+ minutes/);

    clock.advance(16 * 60_000);
    expect((await attempt(ADMIN.password)).status).toBe(200);

    const audit = (await (await s.admin.get(`/api/v1/audit?limit=200`)).json()) as { items: { action: string; target: string }[] };
    const mine = audit.items.filter((e) => e.target === victim.userId || e.target === victim.email);
    expect(mine.filter((e) => e.action === 'auth.login_failed').length).toBe(8);
    expect(mine.filter((e) => e.action === 'auth.login_blocked').length).toBeGreaterThanOrEqual(6);
    expect(mine.filter((e) => e.action === 'auth.login').length).toBe(2);
  });
});

describe('sessions (A7)', () => {
  it('end on logout, on idle timeout, on password change and on deactivation', async () => {
    const a = await s.staff('agent');
    expect((await a.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await a.get('/api/v1/properties')).status).toBe(401);

    const b = await s.staff('agent');
    clock.advance(241 * 60_000);
    expect((await b.get('/api/v1/properties')).status).toBe(401);
    s.admin = await signIn(s.staffUrl, ADMIN.email, ADMIN.password); // the admin's session idled out too

    const c = await s.staff('manager');
    const cOther = await signIn(s.staffUrl, c.email, ADMIN.password);
    const change = await c.post('/api/v1/auth/password', { currentPassword: ADMIN.password, newPassword: 'a brand new passphrase' });
    expect(change.status).toBe(204);
    expect((await c.get('/api/v1/properties')).status).toBe(200);
    expect((await cOther.get('/api/v1/properties')).status).toBe(401);

    const d = await s.staff('agent');
    expect((await s.admin.patch(`/api/v1/users/${d.userId}`, { active: false })).status).toBe(200);
    expect((await d.get('/api/v1/properties')).status).toBe(401);
    const again = await fetch(`${s.staffUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: d.email, password: ADMIN.password }) });
    expect(again.status).toBe(401);
  });

  it('slide the idle window only on what the user does, not on the UI\'s background refreshes', async () => {
    const desk = await s.staff('agent');
    const background = () => desk.fetch('/api/v1/properties', { headers: { [BACKGROUND_HEADER]: '1' } });
    clock.advance(200 * 60_000);
    expect((await background()).status).toBe(200); // still within 240 minutes of signing in
    clock.advance(41 * 60_000);
    // 241 minutes since the last thing the user did: live refreshes kept coming, the session still ends.
    expect((await background()).status).toBe(401);

    const active = await s.staff('agent');
    clock.advance(200 * 60_000);
    expect((await active.get('/api/v1/properties')).status).toBe(200); // the user clicked something
    clock.advance(41 * 60_000);
    expect((await active.fetch('/api/v1/properties', { headers: { [BACKGROUND_HEADER]: '1' } })).status).toBe(200);
    s.admin = await signIn(s.staffUrl, ADMIN.email, ADMIN.password);
  });

  it('end an open live stream once its session is signed out, before it delivers another event', async () => {
    const agent = await s.staff('agent');
    const res = await agent.fetch('/api/v1/events');
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += new TextDecoder().decode(value);
      }
    })();
    const event = { propertyId: hotelA.id, conversationId: 'cv_stream', status: 'open', at: new Date().toISOString() } as const;
    s.core.events.emit({ type: 'conversation.updated', ...event });
    await vi.waitFor(() => expect(text).toContain('event: conversation.updated'));
    // Signed out from another window with the same cookie.
    expect((await agent.post('/api/v1/auth/logout')).status).toBe(204);
    s.core.events.emit({ type: 'conversation.updated', ...event, status: 'resolved' });
    const all = await reading;
    expect(all).toMatch(/event: session-ended\n/);
    expect(all.match(/event: conversation\.updated/g)).toHaveLength(1);
    expect(all).not.toContain('resolved');
  });

  it('sets an httpOnly SameSite=Strict cookie', async () => {
    const res = await fetch(`${s.staffUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(res.headers.get('set-cookie')).toMatch(/nocturn_session=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
  });
});

describe('kill switch (E5)', () => {
  it('pauses the AI for one hotel or the whole group, shows it in /ready, and audits it', async () => {
    const manager = await s.staff('manager', [hotelA.id]);
    expect((await manager.put('/api/v1/ai/pause', { paused: true })).status).toBe(403);
    const paused = await manager.put(`/api/v1/properties/${hotelA.slug}/ai/pause`, { paused: true, reason: 'wrong rates in the knowledge base' });
    expect(await paused.json()).toMatchObject({ paused: true, pausedBy: 'property' });
    expect(s.core.ai.isPaused(hotelA.id)).toBe(true);
    expect(s.core.ai.isPaused(hotelB.id)).toBe(false);

    await s.admin.put('/api/v1/ai/pause', { paused: true, reason: 'model upgrade' });
    expect(await (await s.admin.get(`/api/v1/properties/${hotelB.slug}/ai/pause`)).json()).toMatchObject({ paused: true, pausedBy: 'group' });
    const ready = (await (await fetch(`${s.staffUrl}/ready`)).json()) as { ready: boolean; checks: { ai: { ok: boolean; detail: { paused: string[] } } } };
    expect(ready.ready).toBe(true); // paused is a state, not an outage
    expect(ready.checks.ai.detail.paused).toEqual(expect.arrayContaining(['group', hotelA.id]));

    await s.admin.put('/api/v1/ai/pause', { paused: false });
    await manager.put(`/api/v1/properties/${hotelA.slug}/ai/pause`, { paused: false });
    expect(s.core.ai.isPaused(hotelA.id)).toBe(false);
    const audit = (await (await s.admin.get('/api/v1/audit?limit=200')).json()) as { items: { action: string }[] };
    expect(audit.items.filter((e) => e.action === 'ai.pause')).toHaveLength(2);
    expect(audit.items.filter((e) => e.action === 'ai.resume')).toHaveLength(2);
  });
});

describe('audit log (E4)', () => {
  it('records before/after without secrets, and managers see only their hotels', async () => {
    const created = await s.admin.post('/api/v1/users', { email: 'new.agent@nocturn.test', displayName: 'New Agent', password: 'super secret password', role: 'agent', propertyIds: [hotelA.id] });
    expect(created.status).toBe(201);
    const audit = (await (await s.admin.get('/api/v1/audit?action=user.create&limit=5')).json()) as { items: { after: Record<string, unknown>; actorLabel: string }[] };
    expect(JSON.stringify(audit.items[0]!.after)).not.toContain('super secret password');
    expect(audit.items[0]!.actorLabel).toBe('Test Admin');
    const manager = await s.staff('manager', [hotelA.id]);
    const seen = (await (await manager.get('/api/v1/audit?limit=200')).json()) as { items: { propertyId: string | null }[] };
    expect(seen.items.length).toBeGreaterThan(0);
    expect(seen.items.every((e) => e.propertyId === hotelA.id)).toBe(true);
  });

  it('cannot be edited through SQLite, and an edit of the file is found by `nocturn audit verify` at that row', async () => {
    const ok = await s.admin.get('/api/v1/audit/verify');
    expect(await ok.json()).toMatchObject({ ok: true, firstBrokenSeq: null });
    expect(() => s.core.databases.group.prepare("update audit_log set action = 'x' where seq = 3").run()).toThrow(/append-only/);

    const raw = new Database(path.join(s.dataDir, 'group.db'));
    raw.exec('drop trigger audit_log_no_update');
    raw.prepare("update audit_log set after_json = '{\"paused\":false}' where seq = 5").run();
    raw.close();

    const out: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, { NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: s.dataDir, NOCTURN_LOG_LEVEL: 'error' });
    const code = await runCli(['audit', 'verify'], { out: (l) => out.push(l), err: (l) => out.push(l), stdin: async () => '' });
    process.env = saved;
    expect(code).toBe(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ ok: false, firstBrokenSeq: 5, checked: 4 });
    expect(out.join('\n')).toMatch(/broken at row 5/);
    expect(await (await s.admin.get('/api/v1/audit/verify')).json()).toMatchObject({ ok: false, firstBrokenSeq: 5 });
  });
});
