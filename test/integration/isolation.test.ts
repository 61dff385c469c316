import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { GuestRepository } from '../../server/features/guests/guest.repository.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
const now = '2026-11-21T00:00:00.000Z';

function fileBytes(file: string): Buffer {
  // The database file plus its write-ahead log: a value not yet checkpointed lives in the WAL.
  const parts = [readFileSync(file)];
  try {
    parts.push(readFileSync(`${file}-wal`));
  } catch {
    /* no WAL yet */
  }
  return Buffer.concat(parts);
}

beforeAll(async () => {
  s = await startTestServer();
  s.core.properties.create({ name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' });
  s.core.properties.create({ name: 'Hill Lodge', slug: 'hill', timezone: 'Europe/London' });
});
afterAll(async () => {
  await s.stop();
});

describe('tenant isolation (A3)', () => {
  it("keeps data written through hotel A's scope out of hotel B's scope and file", () => {
    const a = s.core.properties.scope('harbour');
    const b = s.core.properties.scope('hill');
    const guestA = new GuestRepository(a).insert({ name: 'Siti Rahman', phone: '+60 12-345 6789', email: 'siti.rahman@example.my' }, now);

    expect(new GuestRepository(a).findByPhone('60123456789')?.id).toBe(guestA.id);
    expect(new GuestRepository(a).findByEmail('SITI.RAHMAN@example.my')?.name).toBe('Siti Rahman');

    const repoB = new GuestRepository(b);
    expect(repoB.count()).toBe(0);
    expect(repoB.get(guestA.id)).toBeUndefined();
    expect(repoB.findByPhone('+60123456789')).toBeUndefined();
    expect(repoB.findByEmail('siti.rahman@example.my')).toBeUndefined();

    const fileB = fileBytes(s.core.databases.propertyFile(b.property.id));
    expect(fileB.includes(Buffer.from(guestA.id))).toBe(false);
    expect(connectionOf(a)).not.toBe(connectionOf(b));
  });

  it("cannot decrypt hotel A's ciphertext with hotel B's key", () => {
    const a = s.core.properties.scope('harbour');
    const b = s.core.properties.scope('hill');
    const slot = { table: 'guests', column: 'name', rowId: 'gst_x' };
    const sealed = a.cipher.encrypt('Siti', slot);
    expect(() => b.cipher.decrypt(sealed, slot)).toThrow();
    expect(a.blindIndex.phone('+60123456789')).not.toBe(b.blindIndex.phone('+60123456789'));
  });
});

describe('encryption at rest (B1, B2)', () => {
  it('stores no plaintext guest field in the database file or its WAL', () => {
    const a = s.core.properties.scope('harbour');
    new GuestRepository(a).insert({ name: 'Lim Wei Jie', phone: '+60 19-876 5432', email: 'weijie.lim@example.com' }, now);
    const bytes = fileBytes(s.core.databases.propertyFile(a.property.id));
    for (const plain of ['Lim Wei Jie', '60198765432', '+60 19-876 5432', 'weijie.lim@example.com']) {
      expect(bytes.includes(Buffer.from(plain)), plain).toBe(false);
    }
  });

  it('refuses a ciphertext copied onto another row', () => {
    const a = s.core.properties.scope('harbour');
    const repo = new GuestRepository(a);
    const one = repo.insert({ name: 'One' }, now);
    const two = repo.insert({ name: 'Two' }, now);
    connectionOf(a).prepare('update guests set name_enc = (select name_enc from guests where id = ?) where id = ?').run(one.id, two.id);
    expect(repo.get(one.id)?.name).toBe('One');
    expect(() => repo.get(two.id)).toThrow(/failed authentication/);
  });

  it('keeps the data keys only wrapped in group.db', () => {
    const rows = s.core.databases.group.prepare('select wrapped_dek from property_keys').all() as { wrapped_dek: Buffer }[];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(r.wrapped_dek.length).toBe(2 + 12 + 16 + 32);
  });
});
