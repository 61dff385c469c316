/** The most of a guest's message that is read by any parser, matcher or model (the stored original may be longer). */
export const MAX_GUEST_CHARS = 2000;

/** The part of a guest's text that parsing may see: cut to the guest limit before anything else touches it. */
export function boundGuestText(text: string): string {
  return text.length > MAX_GUEST_CHARS ? text.slice(0, MAX_GUEST_CHARS) : text;
}

/**
 * The email addresses in the text, in order, by a linear scan: each '@' grows left over local-part
 * characters and right over domain characters, and both stop at the next '@', so every character is
 * visited at most twice. (The regex /[A-Za-z0-9._%+-]+@.../ takes time growing with the square of a
 * long run of letters: 100 KB of "Q" held the event loop for 21 s.)
 */
export function* emailsIn(text: string): Generator<{ email: string; s: number; e: number }> {
  const local = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
  const domain = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let l = at;
    while (l > 0 && local(text.charCodeAt(l - 1))) l--;
    while (l < at && text.charCodeAt(l) === 46) l++;
    let r = at + 1;
    while (r < text.length && domain(text.charCodeAt(r))) r++;
    while (r > at + 1 && (text.charCodeAt(r - 1) === 46 || text.charCodeAt(r - 1) === 45)) r--;
    if (at - l < 1 || at - l > 64 || r - at - 1 > 253) continue;
    const labels = text.slice(at + 1, r).split('.');
    const tld = labels[labels.length - 1]!;
    if (labels.length < 2 || labels.some((x) => x.length === 0) || tld.length < 2 || !/^[a-z]+$/i.test(tld)) continue;
    yield { email: text.slice(l, r).toLowerCase(), s: l, e: r };
  }
}

/** The first email address in the text (see emailsIn). */
export function findEmail(text: string): { email: string; s: number; e: number } | null {
  for (const hit of emailsIn(text)) return hit;
  return null;
}
