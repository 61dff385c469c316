import { emailSpans } from './redact.js';

/** The most of a guest's message that is read by any parser, matcher or model (the stored original may be longer). */
export const MAX_GUEST_CHARS = 2000;

/** The part of a guest's text that parsing may see: cut to the guest limit before anything else touches it. */
export function boundGuestText(text: string): string {
  return text.length > MAX_GUEST_CHARS ? text.slice(0, MAX_GUEST_CHARS) : text;
}

/** The email addresses in the text, in order, lower-cased, found in linear time (emailSpans in redact.ts). */
export function* emailsIn(text: string): Generator<{ email: string; s: number; e: number }> {
  for (const [start, e] of emailSpans(text)) {
    let s = start;
    while (s < e && text.charCodeAt(s) === 46) s++; // ".lee@x.org" at a sentence's end is lee@x.org
    if (text.charCodeAt(s) === 64) continue;
    yield { email: text.slice(s, e).toLowerCase(), s, e };
  }
}

/** The first email address in the text (see emailsIn). */
export function findEmail(text: string): { email: string; s: number; e: number } | null {
  for (const hit of emailsIn(text)) return hit;
  return null;
}
