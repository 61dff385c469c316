import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
import { CARD, ISO_DATE, luhn, maskPii, PHONE, replaceEmails } from '../../shared/redact.js';

/**
 * Replaces guest PII in a prompt with placeholders such as ⟦PHONE_1⟧ before it goes to a cloud
 * model, and puts the values back into the reply (B3). One masker per request: the same value
 * always gets the same placeholder, so the model can refer to it consistently.
 *
 * The email, card and phone patterns are the log masker's (server/shared/redact.ts); as a last
 * line, maskPii runs over the masked text, so anything the log masker would hide never leaves either.
 */

type PiiKind = 'NAME' | 'EMAIL' | 'CARD' | 'PHONE';

interface MaskOptions {
  /** Known guest names (full names; their parts are masked too). */
  names?: readonly string[];
  /** Country for numbers written without +country code (e.g. MY for 012-345 6789). */
  defaultCountry?: CountryCode;
}

const PLACEHOLDER = /⟦\s*(NAME|EMAIL|CARD|PHONE)_(\d+)\s*⟧/g;
// Scripts written without spaces between words, where word boundaries cannot be used.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
// Name particles too common to mask on their own.
const PARTICLES = new Set(['bin', 'binti', 'bte', 'binte', 'van', 'von', 'der', 'den', 'del', 'della', 'mrs', 'miss', 'the']);

const MAX_NAMES = 8;
const MAX_NAME_CHARS = 100;
const MAX_NAME_PARTS = 8;

/** A region with more than this many characters is no single phone number; the PHONE pattern still covers it. */
const MAX_PHONE_REGION = 80;

/**
 * Where libphonenumber should look: runs of text whose digits are at most a few characters apart,
 * with a little context either side (for "+", "ext."). libphonenumber's scan costs tens of
 * microseconds a character on digit-heavy text, so it never sees more than these regions.
 */
function digitRegions(text: string): [number, number][] {
  const regions: [number, number][] = [];
  const isDigit = (i: number) => text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
  let i = 0;
  while (i < text.length) {
    if (!isDigit(i)) {
      i++;
      continue;
    }
    let end = i + 1;
    for (let j = end; j < text.length && j - end <= 8; j++) if (isDigit(j)) end = j + 1;
    const region: [number, number] = [Math.max(0, i - 4), Math.min(text.length, end + 8)];
    if (region[1] - region[0] <= MAX_PHONE_REGION) regions.push(region);
    i = end;
  }
  return regions;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class PiiMasker {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counters: Record<PiiKind, number> = { NAME: 0, EMAIL: 0, CARD: 0, PHONE: 0 };
  private readonly namePatterns: RegExp[];

  constructor(private readonly opts: MaskOptions = {}) {
    const forms = new Set<string>();
    // Names come from guests (an email's display name can be any length): a few, bounded, so the
    // patterns built from them stay small.
    for (const raw of (opts.names ?? []).slice(0, MAX_NAMES)) {
      const name = raw.slice(0, MAX_NAME_CHARS * 2).trim().replace(/\s+/g, ' ').slice(0, MAX_NAME_CHARS).trim();
      if (name.length < 2) continue;
      forms.add(name);
      for (const part of name.split(' ').slice(0, MAX_NAME_PARTS)) {
        if (part.length >= 3 && !PARTICLES.has(part.toLowerCase())) forms.add(part);
      }
    }
    // Longest first, so "Siti Aminah" is one placeholder rather than two.
    this.namePatterns = [...forms]
      .sort((a, b) => b.length - a.length)
      .map((form) => {
        const body = escapeRegExp(form).replace(/ /g, '\\s+');
        return UNSPACED.test(form) ? new RegExp(body, 'giu') : new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'giu');
      });
  }

  /** How many distinct values have been replaced so far. */
  get size(): number {
    return this.byValue.size;
  }

  private placeholder(kind: PiiKind, value: string): string {
    const key = `${kind}\u0000${value}`;
    let ph = this.byValue.get(key);
    if (!ph) {
      this.counters[kind] += 1;
      ph = `⟦${kind}_${this.counters[kind]}⟧`;
      this.byValue.set(key, ph);
      this.byPlaceholder.set(ph, value);
    }
    return ph;
  }

  mask(text: string): string {
    // Emails first: a name inside an address must not break the address apart.
    let out = replaceEmails(text, (m) => this.placeholder('EMAIL', m));
    out = out.replace(CARD, (m) => {
      const digits = m.replace(/\D/g, '');
      return digits.length >= 13 && luhn(digits) ? this.placeholder('CARD', m) : m;
    });
    out = this.maskPhonesFound(out);
    out = out.replace(PHONE, (m) => {
      if (ISO_DATE.test(m)) return m;
      const digits = m.replace(/\D/g, '').length;
      return digits >= 9 || (m.startsWith('+') && digits >= 7) ? this.placeholder('PHONE', m) : m;
    });
    for (const re of this.namePatterns) out = out.replace(re, (m) => this.placeholder('NAME', m));
    return maskPii(out);
  }

  private maskPhonesFound(text: string): string {
    const options = this.opts.defaultCountry ? { defaultCountry: this.opts.defaultCountry } : {};
    const found = digitRegions(text).flatMap(([start, end]) =>
      findPhoneNumbersInText(text.slice(start, end), options).map((f) => ({ startsAt: f.startsAt + start, endsAt: f.endsAt + start })),
    );
    const spans = found
      .sort((a, b) => a.startsAt - b.startsAt)
      .map((f) => {
        // "+60 12-345 6789, 2026-12-24" is read as extension 2026: keep what follows a comma as text.
        const raw = text.slice(f.startsAt, f.endsAt);
        const comma = raw.indexOf(',');
        const value = comma > 0 ? raw.slice(0, comma).trimEnd() : raw;
        return { start: f.startsAt, end: f.startsAt + value.length, ph: this.placeholder('PHONE', value) };
      });
    // Assembled in one pass: splicing each span into the whole text would be quadratic.
    const parts: string[] = [];
    let last = 0;
    for (const s of spans) {
      if (s.start < last) continue;
      parts.push(text.slice(last, s.start), s.ph);
      last = s.end;
    }
    parts.push(text.slice(last));
    return parts.join('');
  }

  /** Puts the values back. With `json`, values are escaped for use inside a JSON string. */
  restore(text: string, opts: { json?: boolean } = {}): string {
    return text.replace(PLACEHOLDER, (m, kind: string, n: string) => {
      const value = this.byPlaceholder.get(`⟦${kind}_${n}⟧`);
      if (value === undefined) return m;
      return opts.json ? JSON.stringify(value).slice(1, -1) : value;
    });
  }
}
