import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SupervisorStatus } from './server-supervisor.js';
import { ReadinessPoller, trayView, type ReadyReport } from './tray-status.js';

const running: SupervisorStatus = { state: 'running', endpoints: { staffUrl: 'http://127.0.0.1:4310', publicUrl: 'http://127.0.0.1:4311' }, restarts: 0 };

function report(checks: Record<string, { ok: boolean; critical?: boolean }>): ReadyReport {
  const full = Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, { ok: v.ok, critical: v.critical ?? false }]));
  return { ready: Object.values(full).every((c) => c.ok || !c.critical), checks: full };
}

describe('tray view', () => {
  it('running and healthy', () => {
    const v = trayView(running, { kind: 'report', report: report({ database: { ok: true, critical: true }, ai: { ok: true } }) });
    expect(v).toMatchObject({ level: 'ok', lines: ['Running'], canOpen: true, tooltip: 'Nocturn is running' });
  });

  it('names AI paused, tunnel down and model down', () => {
    const v = trayView(running, { kind: 'report', report: report({ database: { ok: true, critical: true }, ai: { ok: false }, tunnel: { ok: false }, ollama: { ok: false } }) });
    expect(v.level).toBe('warning');
    expect(v.lines).toEqual(['Running', 'AI paused', 'Tunnel down', 'Model down']);
    expect(v.tooltip).toBe('Nocturn: AI paused, Tunnel down, Model down');
  });

  it('a failing critical check is an error', () => {
    const v = trayView(running, { kind: 'report', report: report({ database: { ok: false, critical: true } }) });
    expect(v.level).toBe('error');
    expect(v.lines).toContain('Not ready: database');
  });

  it('a server that does not answer is an error', () => {
    const v = trayView(running, { kind: 'unreachable', reason: 'connect ECONNREFUSED' });
    expect(v).toMatchObject({ level: 'error', lines: ['Server not answering', 'connect ECONNREFUSED'] });
  });

  it('restarting, and failed with a way to retry', () => {
    expect(trayView({ state: 'restarting', attempt: 2, delayMs: 2000, reason: 'exited with code 1' }, { kind: 'unknown' })).toMatchObject({ level: 'error', canOpen: false, lines: ['Server stopped; restarting in 2 s', 'exited with code 1'] });
    expect(trayView({ state: 'failed', error: 'stopped 6 times' }, { kind: 'unknown' })).toMatchObject({ level: 'error', canRetry: true, lines: ['Server not running', 'stopped 6 times'] });
    expect(trayView({ state: 'starting', attempt: 1 }, { kind: 'unknown' })).toMatchObject({ level: 'warning', canOpen: false });
  });
});

describe('readiness poller', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('reads a 503 report (not ready) as a report, not as unreachable', async () => {
    const url = await serve((req, res) => {
      expect(req.url).toBe('/ready');
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify(report({ database: { ok: false, critical: true }, tunnel: { ok: false } })));
    });
    const poller = new ReadinessPoller({ staffUrl: () => url, fetch: (u, i) => fetch(u, i), onReadiness: () => undefined });
    const r = await poller.pollOnce();
    expect(r).toMatchObject({ kind: 'report', report: { ready: false } });
    expect(trayView(running, r).lines).toEqual(['Running', 'Not ready: database', 'Tunnel down']);
  });

  it('times out and reports a server that does not answer', async () => {
    const url = await serve(() => undefined); // never answers
    const poller = new ReadinessPoller({ staffUrl: () => url, fetch: (u, i) => fetch(u, i), onReadiness: () => undefined, timeoutMs: 100 });
    expect(await poller.pollOnce()).toMatchObject({ kind: 'unreachable' });
  });

  it('rejects an unexpected body', async () => {
    const url = await serve((_req, res) => res.writeHead(200).end('{"hello":1}'));
    const poller = new ReadinessPoller({ staffUrl: () => url, fetch: (u, i) => fetch(u, i), onReadiness: () => undefined });
    expect(await poller.pollOnce()).toEqual({ kind: 'unreachable', reason: '/ready answered an unexpected body' });
  });

  it('polls on an interval until stopped, and not while there is no server', async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      res.writeHead(200).end(JSON.stringify(report({ database: { ok: true, critical: true } })));
    });
    const server: { url?: string } = {};
    const seen: string[] = [];
    const poller = new ReadinessPoller({ staffUrl: () => server.url, fetch: (u, i) => fetch(u, i), onReadiness: (r) => seen.push(r.kind), intervalMs: 20 });
    poller.start();
    await new Promise((r) => setTimeout(r, 60));
    expect(hits).toBe(0);
    server.url = url;
    await new Promise((r) => setTimeout(r, 120));
    poller.stop();
    const after = hits;
    expect(after).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(hits).toBe(after);
    expect(seen).toContain('report');
  });
});
