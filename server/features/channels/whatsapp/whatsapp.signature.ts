import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/** The digest from `X-Hub-Signature-256: sha256=<hex>`, or null when missing or malformed. */
export function parseSignature(header: string | undefined): Buffer | null {
  const m = header ? HEADER.exec(header.trim()) : null;
  return m ? Buffer.from(m[1]!, 'hex') : null;
}

/** HMAC-SHA256 of the raw bytes keyed with the app secret, compared in constant time. */
export function signatureMatches(raw: Buffer, appSecret: string, expected: Buffer): boolean {
  const digest = createHmac('sha256', appSecret).update(raw).digest();
  return digest.length === expected.length && timingSafeEqual(digest, expected);
}

/** Constant-time string equality (verify tokens). */
export function safeEqual(a: string, b: string): boolean {
  const x = createHmac('sha256', 'nocturn-compare').update(a).digest();
  const y = createHmac('sha256', 'nocturn-compare').update(b).digest();
  return timingSafeEqual(x, y);
}

const PHONE_NUMBER_ID = /"phone_number_id"\s*:\s*"([^"\\]{1,64})"/g;

/**
 * The business phone-number ids a raw body names, read without parsing it: only a hint for which
 * hotels' app secrets to try. Routing later uses the parsed value, and only where its hotel's
 * secret is the one that verified the signature.
 */
export function phoneNumberIdsIn(text: string, max = 20): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(PHONE_NUMBER_ID)) {
    ids.add(m[1]!);
    if (ids.size >= max) break;
  }
  return [...ids];
}
