import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { runCli } from '../../server/cli/main.js';
import { Databases } from '../../server/db/databases.js';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import { KeyRepository } from '../../server/features/vault/key.repository.js';
import { resolveMasterKey } from '../../server/features/vault/key-vault.js';
import { systemClock } from '../../server/shared/clock.js';
import { createLogger } from '../../server/shared/logger.js';
import { ADMIN, signIn, startTestServer, tempDir, type TestServer } from '../support/server.js';

const masterKey = randomBytes(32).toString('base64');
let currentKey = masterKey;
let s: TestServer;
const siti = { name: 'Siti Rahman', phone: '+60 12-777 1234', email: 'siti.rahman@example.my' };
const other = { name: 'John Carter', phone: '+44 7700 900123', email: 'john.carter@example.co.uk' };

function allDatabaseBytes(dataDir: string): Buffer {
  const files = ['group.db', ...readdirSync(path.join(dataDir, 'properties')).map((f) => `properties/${f}`)];
  return Buffer.concat(files.flatMap((f) => ['', '-wal'].filter((x) => existsSync(path.join(dataDir, f + x))).map((x) => readFileSync(path.join(dataDir, f + x)))));
}

async function cli(args: string[], dataDir: string, stdin = '', env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dataDir, NOCTURN_LOG_LEVEL: 'error', NOCTURN_MASTER_KEY: masterKey, ...env });
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => stdin });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.env = saved;
  }
}

let n = 0;
async function write(slug: string, who: typeof siti, text: string) {
  n++;
  return s.core.pipeline.handle(s.core.properties.scope(slug), {
    channel: 'test',
    threadKey: `${who.phone}-${slug}`,
    externalId: `x${n}`,
    text,
    from: who,
    receivedAt: new Date(),
  });
}

beforeAll(async () => {
  s = await startTestServer({ env: { NOCTURN_MASTER_KEY: masterKey, NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '200' } });
  await s.admin.post('/api/v1/properties', { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' });
  await s.admin.post('/api/v1/properties', { name: 'Hill Lodge', slug: 'hill', timezone: 'Europe/London' });
  await write('harbour', siti, 'Hi, can I speak to a person about a room for 2 on 24 December? siti.rahman@example.my');
  await write('harbour', siti, 'Also, is parking available?');
  await write('hill', siti, 'Hello, I want to book a table for 4, call me');
  await write('harbour', other, 'Can I talk to a human about a wedding?');
});
afterAll(async () => {
  await s.stop();
});

describe('export (B6)', () => {
  it("contains every message and lead of the guest, across hotels, and nothing of other guests", async () => {
    // A photo Siti sent is part of what is held about her.
    const harbour = s.core.properties.scope('harbour');
    const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');
    const first = connectionOf(harbour).prepare("select m.id from messages m join conversations c on c.id = m.conversation_id where m.role = 'guest' order by m.rowid limit 1").get() as { id: string };
    new ConversationRepository(harbour).attachMedia(first.id, { mimeType: 'image/png', bytes: photo, sha256: createHash('sha256').update(photo).digest('hex') }, new Date().toISOString());

    const res = await s.admin.post('/api/v1/privacy/export', { phone: '60127771234' });
    expect(res.status).toBe(200);
    const data = (await res.json()) as { hotels: { hotel: string; guests: { guest: { email: string }; conversations: { messages: { role: string; body: string }[] }[]; leads: unknown[] }[] }[] };
    expect(data.hotels.map((h) => h.hotel).sort()).toEqual(['Harbour View', 'Hill Lodge']);
    const text = JSON.stringify(data);
    expect(text).toContain('Also, is parking available?');
    expect(text).toContain('book a table for 4');
    expect(text).not.toContain('wedding');
    expect(text).not.toContain('John Carter');
    const guestMessages = data.hotels.flatMap((h) => h.guests.flatMap((g) => g.conversations.flatMap((c) => c.messages.filter((m) => m.role === 'guest'))));
    expect(guestMessages).toHaveLength(3);
    expect(guestMessages.filter((m) => 'file' in m)).toEqual([expect.objectContaining({ file: { mimeType: 'image/png', base64: photo.toString('base64') } })]);
    expect(data.hotels.flatMap((h) => h.guests.flatMap((g) => g.leads))).toHaveLength(2);
    const html = await (await s.admin.fetch('/api/v1/privacy/export?format=html', { method: 'POST', body: JSON.stringify({ email: 'SITI.RAHMAN@example.my' }) })).text();
    expect(html).toContain('<h1>Data held about you</h1>');
    expect(html).toContain('Siti Rahman');
    expect(html).toContain(`<img alt="Picture you sent" src="data:image/png;base64,${photo.toString('base64')}"`);
  });

  it('is for admins only and audited without personal data', async () => {
    const manager = await s.staff('manager');
    expect((await manager.post('/api/v1/privacy/export', { phone: '60127771234' })).status).toBe(403);
    const audit = (await (await s.admin.get('/api/v1/audit?action=privacy.export')).json()) as { items: unknown[] };
    expect(audit.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.items)).not.toMatch(/7771234|siti/i);
  });
});

describe('backup and restore', () => {
  it('restores into a fresh directory with identical API answers; a tampered archive is refused', async () => {
    const created = await s.admin.post('/api/v1/system/backups');
    expect(created.status).toBe(201);
    const { file } = (await created.json()) as { file: string };
    const archive = path.join(s.dataDir, 'backups', file);
    expect(readFileSync(archive).includes(Buffer.from('Siti'))).toBe(false);

    const fresh = tempDir();
    const r = await cli(['restore', archive, '--data-dir', fresh.dir], fresh.dir);
    expect(r.code).toBe(0);
    const restored = await startTestServer({ dataDir: fresh.dir, noAdmin: true, env: { NOCTURN_MASTER_KEY: masterKey, NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9' } });
    try {
      const admin = await signIn(restored.staffUrl, ADMIN.email, ADMIN.password);
      for (const p of ['/api/v1/properties', '/api/v1/properties/harbour/leads', '/api/v1/properties/hill/conversations']) {
        const [a, b] = await Promise.all([s.admin.get(p), admin.get(p)]);
        expect(await b.json(), p).toEqual(await a.json());
      }
    } finally {
      await restored.stop();
      fresh.remove();
    }

    const tampered = tempDir();
    const bytes = readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    const bad = path.join(tampered.dir, 'bad.nocturn-backup');
    writeFileSync(bad, bytes);
    const target = path.join(tampered.dir, 'restore-here');
    const refused = await cli(['restore', bad, '--data-dir', target], target);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/failed verification/);
    expect(existsSync(path.join(target, 'group.db'))).toBe(false);
    const wrongKey = await cli(['restore', archive, '--data-dir', target], target, '', { NOCTURN_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(wrongKey.code).toBe(1);
    tampered.remove();
  });
});

describe('master key rotation (B4)', () => {
  it('keeps requests succeeding during the rotation; afterwards the old key opens nothing', async () => {
    const newKey = randomBytes(32).toString('base64');
    let failures = 0;
    let done = 0;
    let stop = false;
    const load = (async () => {
      while (!stop && done < 2000) {
        const res = await s.admin.get('/api/v1/properties/harbour/conversations');
        if (res.status !== 200) failures++;
        await res.arrayBuffer();
        done++;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const rotated = await s.admin.post('/api/v1/system/keys/rotate-master', { newMasterKey: newKey });
    expect(rotated.status).toBe(200);
    expect(await rotated.json()).toMatchObject({ propertyKeys: 2 });
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await load;
    expect(done).toBeGreaterThan(5);
    expect(failures).toBe(0);
    currentKey = newKey;
    // Guest data still reads after rotation.
    const exp = (await (await s.admin.post('/api/v1/privacy/export', { email: siti.email })).json()) as { hotels: unknown[] };
    expect(exp.hotels).toHaveLength(2);

    const log = createLogger({ level: 'silent' });
    const dbs = new Databases({ dataDir: s.dataDir, busyTimeoutMs: 1000, synchronous: 'FULL' });
    try {
      const repo = new KeyRepository(dbs.group);
      expect(() => resolveMasterKey({ env: 'test', dataDir: s.dataDir, masterKey }, repo, log, systemClock)).toThrow(/does not open this data directory/);
      expect(resolveMasterKey({ env: 'test', dataDir: s.dataDir, masterKey: newKey }, repo, log, systemClock).source).toBe('env');
    } finally {
      dbs.close();
    }
  });
});

describe('erasure (B6)', () => {
  it('removes the guest everywhere: no API returns them, no database file holds them', async () => {
    const manager = await s.staff('manager');
    expect((await manager.post('/api/v1/privacy/erase', { phone: siti.phone })).status).toBe(403);
    const before = (await (await s.admin.get('/api/v1/inbox')).json()) as { items: unknown[] };
    const res = await s.admin.post('/api/v1/privacy/erase', { phone: siti.phone });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { hotels: { guests: number; conversations: number; messages: number; leads: number }[] };
    expect(result.hotels.reduce((a, h) => a + h.conversations, 0)).toBe(2);
    expect(result.hotels.reduce((a, h) => a + h.leads, 0)).toBe(2);

    const after = (await (await s.admin.get('/api/v1/inbox')).json()) as { items: unknown[] };
    expect(after.items.length).toBe(before.items.length - 2);
    const exp = (await (await s.admin.post('/api/v1/privacy/export', { email: siti.email })).json()) as { hotels: unknown[] };
    expect(exp.hotels).toEqual([]);
    const everything = JSON.stringify(await Promise.all(['/api/v1/inbox', '/api/v1/properties/harbour/leads', '/api/v1/properties/hill/leads', '/api/v1/audit?limit=200'].map(async (p) => (await s.admin.get(p)).json())));
    for (const pii of ['Siti', 'Rahman', '7771234', 'siti.rahman']) expect(everything).not.toContain(pii);
    const bytes = allDatabaseBytes(s.dataDir);
    for (const pii of ['Siti Rahman', 'siti.rahman@example.my', '60127771234', '12-777 1234']) expect(bytes.includes(Buffer.from(pii)), pii).toBe(false);
    // The other guest is untouched.
    expect(JSON.stringify(await (await s.admin.post('/api/v1/privacy/export', { email: other.email })).json())).toContain('wedding');
    expect((await s.admin.post('/api/v1/privacy/erase', { phone: siti.phone })).status).toBe(404);
  });

  it('asks for confirmation on the command line', async () => {
    const r = await cli(['guest', 'erase', '--email', other.email], s.dataDir, 'no\n', { NOCTURN_MASTER_KEY: currentKey });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Erasure cancelled/);
    expect(JSON.stringify(await (await s.admin.post('/api/v1/privacy/export', { email: other.email })).json())).toContain('wedding');
    const yes = await cli(['guest', 'erase', '--email', other.email], s.dataDir, 'yes\n', { NOCTURN_MASTER_KEY: currentKey });
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.out).hotels[0].conversations).toBe(1);
  });
});

describe("rotating a hotel's data key (B4)", () => {
  it('re-encrypts every stored value in the background while the hotel keeps working, then destroys the old key', async () => {
    const scope = s.core.properties.scope('harbour');
    for (let i = 0; i < 30; i++) await write('harbour', { name: `Rotation Guest ${i}`, phone: `+6019555${String(i).padStart(4, '0')}`, email: `rot${i}@example.com` }, `Can I talk to a person about room ${i}?`);
    const versions = () => (connectionOf(scope).prepare("select hex(substr(body_enc, 2, 1)) as v, count(*) as n from messages group by v").all() as { v: string; n: number }[]);
    expect(versions().map((r) => r.v)).toEqual(['01']);
    // A file a guest sent is re-encrypted too, byte for byte.
    const recording = randomBytes(4096);
    const voiceOf = connectionOf(scope).prepare("select id, conversation_id from messages where role = 'guest' and id not in (select message_id from message_media) order by rowid desc limit 1").get() as { id: string; conversation_id: string };
    new ConversationRepository(scope).attachMedia(voiceOf.id, { mimeType: 'audio/ogg', bytes: recording, sha256: createHash('sha256').update(recording).digest('hex') }, new Date().toISOString());
    const started = await s.admin.post('/api/v1/properties/harbour/keys/rotate');
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ state: 'running', version: 2 });
    // The hotel keeps working during the rotation: new guest messages are written with the new key.
    const during = await write('harbour', { name: 'New Guest', phone: '+60199990000', email: 'new@example.com' }, 'Hello, I need a person');
    expect(during.conversationId).toBeTruthy();
    let status: { state: string; done: number; total: number } = { state: 'running', done: 0, total: 0 };
    for (let i = 0; i < 100 && status.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await (await s.admin.get('/api/v1/properties/harbour/keys/rotation')).json()) as typeof status;
    }
    expect(status.state).toBe('done');
    expect(status.done).toBe(status.total);
    expect(versions().map((r) => r.v)).toEqual(['02']);
    expect(connectionOf(scope).prepare('select distinct hex(substr(data_enc, 2, 1)) as v from message_media').all()).toEqual([{ v: '02' }]);
    const played = await s.admin.get(`/api/v1/properties/harbour/conversations/${voiceOf.conversation_id}/messages/${voiceOf.id}/media`);
    expect(Buffer.from(await played.arrayBuffer()).equals(recording)).toBe(true);
    const keys = s.core.databases.group.prepare('select version, status from property_keys where property_id = ?').all(scope.property.id);
    expect(keys).toEqual([{ version: 2, status: 'active' }]);
    const exp = (await (await s.admin.post('/api/v1/privacy/export', { phone: '+60195550007' })).json()) as { hotels: { guests: { guest: { name: string } }[] }[] };
    expect(exp.hotels[0]!.guests[0]!.guest.name).toBe('Rotation Guest 7');
    const audit = (await (await s.admin.get('/api/v1/audit?action=keys.retire_data_key')).json()) as { items: unknown[] };
    expect(audit.items).toHaveLength(1);
  });
});
