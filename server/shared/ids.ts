import { randomBytes, randomUUID } from 'node:crypto';

/** Opaque identifiers: a short type prefix and 16 random bytes, URL-safe. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export function requestId(): string {
  return randomUUID();
}
