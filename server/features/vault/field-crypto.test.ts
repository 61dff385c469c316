import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlindIndex, DecryptionError, FieldCipher, normalizePhone } from './field-crypto.js';

const slot = { table: 'guests', column: 'phone', rowId: 'gst_1' };

describe('field encryption', () => {
  const cipher = new FieldCipher(new Map([[1, randomBytes(32)]]), 1);

  it('round-trips text, including non-Latin scripts', () => {
    for (const text of ['+60 12-345 6789', 'Tan Mei Ling 陈美玲', '']) {
      expect(cipher.decrypt(cipher.encrypt(text, slot), slot)).toBe(text);
    }
  });

  it('uses a fresh IV: the same value encrypts differently each time', () => {
    expect(cipher.encrypt('same', slot).equals(cipher.encrypt('same', slot))).toBe(false);
  });

  it('refuses a ciphertext with one flipped byte', () => {
    const sealed = cipher.encrypt('+60123456789', slot);
    for (const at of [3, 20, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at]! ^= 0x01;
      expect(() => cipher.decrypt(tampered, slot)).toThrow(DecryptionError);
    }
  });

  it('refuses a ciphertext moved to another row or column', () => {
    const sealed = cipher.encrypt('+60123456789', slot);
    expect(() => cipher.decrypt(sealed, { ...slot, rowId: 'gst_2' })).toThrow(DecryptionError);
    expect(() => cipher.decrypt(sealed, { ...slot, column: 'email' })).toThrow(DecryptionError);
  });

  it('refuses a ciphertext under another key', () => {
    const other = new FieldCipher(new Map([[1, randomBytes(32)]]), 1);
    expect(() => other.decrypt(cipher.encrypt('x', slot), slot)).toThrow(DecryptionError);
  });

  it('reads values written with an older key version after rotation', () => {
    const k1 = randomBytes(32);
    const old = new FieldCipher(new Map([[1, k1]]), 1);
    const sealed = old.encrypt('Ahmad', slot);
    const rotated = new FieldCipher(new Map([[1, k1], [2, randomBytes(32)]]), 2);
    expect(rotated.decrypt(sealed, slot)).toBe('Ahmad');
    expect(rotated.encrypt('Ahmad', slot)[1]).toBe(2);
  });
});

describe('blind index', () => {
  const bidx = new BlindIndex(randomBytes(32));

  it('matches the same phone however it is written', () => {
    expect(normalizePhone('+60 12-345 6789')).toBe('60123456789');
    expect(bidx.phone('+60 12-345 6789')).toBe(bidx.phone('60123456789'));
    expect(bidx.phone('0060123456789')).toBe(bidx.phone('+60123456789'));
    expect(bidx.phone('+60123456780')).not.toBe(bidx.phone('+60123456789'));
  });

  it('matches emails case-insensitively and keeps phone and email apart', () => {
    expect(bidx.email(' Alice@Example.COM ')).toBe(bidx.email('alice@example.com'));
    expect(bidx.email('not-an-email')).toBeNull();
  });

  it('differs between hotels (different keys)', () => {
    expect(new BlindIndex(randomBytes(32)).phone('+60123456789')).not.toBe(bidx.phone('+60123456789'));
  });
});
