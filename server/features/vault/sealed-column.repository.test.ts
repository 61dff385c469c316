import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Databases } from '../../db/databases.js';
import { GuestRepository } from '../guests/guest.repository.js';
import { InboundQueueRepository } from '../inbound/inbound-queue.repository.js';
import { BlindIndex, FieldCipher } from './field-crypto.js';
import { SEALED_COLUMNS, SealedColumnRepository, type SealedSlot } from './sealed-column.repository.js';

const HOTEL = 'prop_sealedtest01';
const keys = new Map([
  [1, randomBytes(32)],
  [2, randomBytes(32)],
]);
const v1 = new FieldCipher(new Map([[1, keys.get(1)!]]), 1);
const v2 = new FieldCipher(keys, 2);
const onlyV2 = new FieldCipher(new Map([[2, keys.get(2)!]]), 2);
const blindIndex = new BlindIndex(randomBytes(32));
const toV2 = (value: Buffer, slot: SealedSlot | { table: string; column: string; rowId: number }) => v2.encryptBytes(v2.decryptBytes(value, slot), slot);

let dir: string;
let dbs: Databases;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-sealed-'));
  dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
});
afterEach(() => {
  dbs.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("re-sealing a hotel's values under a new data key (B4)", () => {
  it('finds the values still under an old key, re-seals them, and then they open with the new key alone', () => {
    const before = new GuestRepository(dbs.bindProperty(HOTEL, { cipher: v1, blindIndex }));
    const guest = before.insert({ name: 'Aisyah Rahman', phone: '+60123456789', email: null }, '2026-12-01T00:00:00.000Z');
    const sealed = new SealedColumnRepository(dbs.bindProperty(HOTEL, {}));
    const stale = sealed.stale(2).filter((w) => w.ids.length > 0);
    expect(stale.map((w) => `${w.spec.table}.${w.spec.column}`)).toEqual(['guests.name_enc', 'guests.phone_enc']);
    expect(stale.every((w) => w.ids.length === 1 && w.ids[0] === guest.id)).toBe(true);

    for (const { spec, ids } of stale) sealed.reseal(spec, ids, toV2);

    expect(sealed.stale(2).flatMap((w) => w.ids)).toEqual([]);
    const after = new GuestRepository(dbs.bindProperty(HOTEL, { cipher: onlyV2, blindIndex }));
    expect(after.get(guest.id)).toMatchObject({ name: 'Aisyah Rahman', phone: '+60123456789' });
  });

  it('re-seals only the columns it knows', () => {
    const sealed = new SealedColumnRepository(dbs.bindProperty(HOTEL, {}));
    expect(() => sealed.reseal({ ...SEALED_COLUMNS[0]!, table: 'properties' }, ['x'], toV2)).toThrow(/not a sealed column/);
  });

  it("re-seals a queued webhook event's raw payload, and leaves an erased one empty", () => {
    dbs.group
      .prepare(`insert into properties (id, slug, name, timezone, desk_hours, created_at, updated_at) values (?, 'sealed', 'Sealed Hotel', 'UTC', '{}', 'x', 'x')`)
      .run(HOTEL);
    const queue = new InboundQueueRepository(dbs.group);
    const event = (externalId: string) => ({ propertyId: HOTEL, provider: 'test' as const, externalId, eventType: 'message', payload: `{"text":"${externalId}"}`, receivedAt: '2026-12-01T00:00:00.000Z' });
    const queued = queue.insert(event('wamid.one'), { cipher: v1, blindIndex }).id;
    const erased = queue.insert(event('wamid.two'), { cipher: v1, blindIndex }).id;
    queue.erasePayload(erased);
    expect(queue.withPayload(HOTEL)).toEqual([queued]);
    queue.resealPayload(queued, toV2);
    queue.resealPayload(erased, toV2);
    expect(queue.payload(queued, onlyV2)).toBe('{"text":"wamid.one"}');
    expect(queue.payload(erased, onlyV2)).toBeUndefined();
  });
});
