import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/main.js';
import { tempDir } from '../support/server.js';

let tmp: ReturnType<typeof tempDir>;
const saved = { ...process.env };
beforeEach(() => {
  tmp = tempDir();
  process.env.NOCTURN_ENV = 'test';
  process.env.NOCTURN_DATA_DIR = tmp.dir;
  process.env.NOCTURN_LOG_LEVEL = 'error';
});
afterEach(() => {
  process.env = { ...saved };
  tmp.remove();
});

let stdin = '';
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('nocturn CLI', () => {
  it('creates and lists hotels', async () => {
    const created = await cli('property', 'create', '--name', 'Harbour View', '--slug', 'harbour', '--timezone', 'Asia/Kuala_Lumpur', '--currency', 'MYR');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ slug: 'harbour', currency: 'MYR', timezone: 'Asia/Kuala_Lumpur' });
    const list = await cli('property', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^harbour\tHarbour View\tAsia\/Kuala_Lumpur\tactive\tprop_/);
    const show = await cli('property', 'show', 'harbour');
    expect(JSON.parse(show.out).name).toBe('Harbour View');
  });

  it('creates an admin from a password on standard input, and the admin can sign in', async () => {
    expect((await cli('admin', 'create', '--email', 'it@hotel.example')).code).toBe(2);
    stdin = 'a sufficiently long password\n';
    const made = await cli('admin', 'create', '--email', 'IT@Hotel.example', '--name', 'IT Desk', '--password-stdin');
    expect(made.code).toBe(0);
    expect(JSON.parse(made.out)).toMatchObject({ email: 'it@hotel.example', role: 'admin', allProperties: true });
    const { startTestServer, signIn } = await import('../support/server.js');
    const s = await startTestServer({ dataDir: tmp.dir, noAdmin: true });
    try {
      expect(s.setupToken).toBeUndefined();
      const me = await signIn(s.staffUrl, 'it@hotel.example', 'a sufficiently long password');
      expect((await me.get('/api/v1/users')).status).toBe(200);
    } finally {
      await s.close();
    }
    stdin = 'short\n';
    const weak = await cli('admin', 'create', '--email', 'x@hotel.example', '--password-stdin');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/password: at least 12 characters/);
  });

  it('explains bad input and exits non-zero', async () => {
    const bad = await cli('property', 'create', '--name', 'X', '--slug', 'x y', '--timezone', 'Nowhere/Land');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/slug/);
    expect(bad.err).toMatch(/timezone: not an IANA time zone/);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('property', 'create', '--colour', 'red')).code).toBe(2);
    process.env.NOCTURN_STAFF_PORT = 'abc';
    const cfg = await cli('property', 'list');
    expect(cfg.code).toBe(78);
    expect(cfg.err).toMatch(/NOCTURN_STAFF_PORT/);
  });
});
