import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Field encryption (DESIGN.md section 4): AES-256-GCM with a random 96-bit IV and AAD that binds the
 * ciphertext to its slot, so a ciphertext copied to another row or column fails to decrypt.
 * Layout: [format 1 byte][key version 1 byte][iv 12][tag 16][ciphertext].
 */
const FORMAT = 1;
const HEADER = 2 + 12 + 16;

export class DecryptionError extends Error {
  constructor(message = 'ciphertext failed authentication') {
    super(message);
    this.name = 'DecryptionError';
  }
}

export interface Slot {
  table: string;
  column: string;
  rowId: string | number | bigint;
}

function slotAad(slot: Slot): Buffer {
  return Buffer.from(`${slot.table}\u0000${slot.column}\u0000${String(slot.rowId)}`, 'utf8');
}

export function sealBytes(key: Buffer, keyVersion: number, plain: Buffer, aad: Buffer): Buffer {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  if (keyVersion < 1 || keyVersion > 255) throw new Error('key version must be 1..255');
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([Buffer.from([FORMAT, keyVersion]), iv, c.getAuthTag(), ct]);
}

/** The key version a sealed value was written with, for rotation. */
function sealedKeyVersion(sealed: Buffer): number {
  if (sealed.length < HEADER || sealed[0] !== FORMAT) throw new DecryptionError('unknown ciphertext format');
  return sealed[1]!;
}

export function openBytes(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  sealedKeyVersion(sealed);
  const iv = sealed.subarray(2, 14);
  const tag = sealed.subarray(14, 30);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(aad);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(sealed.subarray(HEADER)), d.final()]);
  } catch {
    throw new DecryptionError();
  }
}

/** Encrypts and decrypts one hotel's fields; holds every key version still in use. */
export class FieldCipher {
  constructor(
    private readonly keys: ReadonlyMap<number, Buffer>,
    readonly currentVersion: number,
  ) {
    if (!keys.has(currentVersion)) throw new Error(`no data key version ${currentVersion}`);
  }

  encrypt(plain: string, slot: Slot): Buffer {
    return sealBytes(this.keys.get(this.currentVersion)!, this.currentVersion, Buffer.from(plain, 'utf8'), slotAad(slot));
  }

  encryptNullable(plain: string | null | undefined, slot: Slot): Buffer | null {
    return plain == null ? null : this.encrypt(plain, slot);
  }

  decrypt(sealed: Buffer, slot: Slot): string {
    const key = this.keys.get(sealedKeyVersion(sealed));
    if (!key) throw new DecryptionError('data key version not available');
    return openBytes(key, sealed, slotAad(slot)).toString('utf8');
  }

  decryptNullable(sealed: Buffer | null | undefined, slot: Slot): string | null {
    return sealed == null ? null : this.decrypt(sealed, slot);
  }

  /** For binary values (files): the same sealing, without text encoding. */
  encryptBytes(plain: Buffer, slot: Slot): Buffer {
    return sealBytes(this.keys.get(this.currentVersion)!, this.currentVersion, plain, slotAad(slot));
  }

  decryptBytes(sealed: Buffer, slot: Slot): Buffer {
    const key = this.keys.get(sealedKeyVersion(sealed));
    if (!key) throw new DecryptionError('data key version not available');
    return openBytes(key, sealed, slotAad(slot));
  }
}

/** Phone to E.164 digits (no '+', as WhatsApp's wa_id), email trimmed and lower-cased. */
export function normalizePhone(phone: string): string {
  let digits = phone.replace(/[^\d]/g, '');
  if (phone.trim().startsWith('00')) digits = digits.slice(2);
  return digits;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Blind index: keyed HMAC of the normalised value, for equality lookups on encrypted columns. */
export class BlindIndex {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('blind-index key must be 32 bytes');
  }

  /** A keyed token for any identifier (for example a channel thread), so it is stored only as an HMAC. */
  token(kind: string, value: string): string {
    return this.mac(kind, value);
  }

  private mac(kind: string, value: string): string {
    return createHmac('sha256', this.key).update(`${kind}:${value}`).digest().subarray(0, 16).toString('base64url');
  }

  phone(phone: string): string | null {
    const n = normalizePhone(phone);
    return n.length >= 6 ? this.mac('phone', n) : null;
  }

  email(email: string): string | null {
    const n = normalizeEmail(email);
    return n.includes('@') ? this.mac('email', n) : null;
  }
}
