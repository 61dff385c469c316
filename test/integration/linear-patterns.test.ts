import { describe, expect, it } from 'vitest';
import { mailbox, messageIds, parseHeaderText, readEmail, replySubject, visibleReply } from '../../server/features/channels/email/email-content.js';
import { normaliseMessage, splitWebhook } from '../../server/features/channels/whatsapp/whatsapp.normalise.js';
import { phoneNumberIdsIn } from '../../server/features/channels/whatsapp/whatsapp.signature.js';
import { optKeyword } from '../../server/features/channels/opt-out.js';
import { detectLanguage, extractLead } from '../../server/features/leads/lead-extraction.js';
import { tokenize, withSpelling } from '../../server/features/leads/lead-tokens.js';
import { Vocabulary } from '../../server/features/knowledge/fuzzy.js';
import { PiiMasker } from '../../server/features/llm/pii-mask.js';
import { askedValues } from '../../server/features/pipeline/extractive.js';
import { asksForPerson, injectionFlags, policyHandoff, smallTalk, withoutQuoted } from '../../server/features/pipeline/guards.js';
import { clauses, questionCue } from '../../server/features/pipeline/questions.js';
import { dependsOnContext } from '../../server/features/pipeline/reply-composer.js';
import { emailSpans, maskPii } from '../../server/shared/redact.js';

/**
 * Every pattern that sees guest text, run over 1 MB of the inputs that make backtracking
 * patterns quadratic (long runs of letters, digits, spaces, newlines, dots, separators with no
 * match at the end). A quadratic pattern takes minutes on these; a linear one milliseconds.
 */
const MB = 1_000_000;
const shapes: Record<string, string> = {
  letters: 'Q'.repeat(MB),
  digits: '1'.repeat(MB),
  spaces: `${' '.repeat(MB)}x`,
  newlines: `${'\n'.repeat(MB)}x`,
  'spaces and newlines': `${' \n'.repeat(MB / 2)}x`,
  'tabs and spaces': `${' \t'.repeat(MB / 2)}x`,
  dots: `${'.'.repeat(MB)}x`,
  'at signs': 'a@'.repeat(MB / 2),
  'dotted words': 'a.'.repeat(MB / 2),
  dashes: `${'\n-----'.repeat(MB / 6)}x`,
  'quote marks': '>'.repeat(MB),
  'a name': `my name is ${'A'.repeat(MB)}`,
  'header labels': `${'From:    '.repeat(MB / 9)}`,
  words: 'a '.repeat(MB / 2),
  'digits and spaces': '1 '.repeat(MB / 2),
};

/** Generous for a busy shared machine; a quadratic pattern on 1 MB needs minutes. */
const LIMIT_MS = 400;

function timed(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

const textFunctions: Record<string, (s: string) => unknown> = {
  maskPii,
  emailSpans,
  'PiiMasker.mask': (s) => new PiiMasker({ names: ['Ana Lee'], defaultCountry: 'MY' }).mask(s),
  extractLead: (s) => extractLead(s, { today: '2026-03-01', country: 'MY' }),
  detectLanguage,
  // Misspelt lead words read one token at a time ("rom", "adlts").
  'withSpelling(tokenize)': (s) => withSpelling(tokenize(s.slice(0, 20_000))),
  injectionFlags,
  asksForPerson,
  policyHandoff,
  smallTalk,
  withoutQuoted,
  'questionCue (in its sentence)': (s) => questionCue(s, s),
  clauses,
  // Guest text reaches these bounded to MAX_GUEST_CHARS; they are linear regardless.
  dependsOnContext: (s) => dependsOnContext(s.slice(0, 20_000)),
  askedValues,
  visibleReply: (s) => visibleReply(s),
  'visibleReply (forward)': (s) => visibleReply(s, { forward: true }),
  messageIds,
  parseHeaderText,
  replySubject: (s) => replySubject(s, 'Your stay'),
  optKeyword,
  phoneNumberIdsIn,
  // Typo correction of a guest's word against the hotel's words (knowledge search).
  'Vocabulary.near': (s) => new Vocabulary(new Map([['parking', 3], ['breakfast', 2], ['reservation', 1]])).near(s),
};

describe('every pattern that sees guest text runs in linear time', () => {
  // Warm up each function once (module set-up such as chrono's locale tables is not the pattern's cost).
  for (const fn of Object.values(textFunctions)) fn('Hello, I am Ana Lee, ana@example.com, +60 12-345 6789, 2 nights from 12 March');

  for (const [name, fn] of Object.entries(textFunctions)) {
    it(`${name} finishes 1 MB adversarial inputs in milliseconds`, () => {
      const slow = Object.entries(shapes)
        .map(([shape, input]) => ({ shape, ms: Math.round(timed(() => fn(input))) }))
        .filter((r) => r.ms > LIMIT_MS);
      expect(slow).toEqual([]);
    });
  }

  it('reads an email whose stripped text, plain text or HTML is 1 MB of each shape', async () => {
    for (const [shape, input] of Object.entries(shapes)) {
      for (const fields of [{ strippedText: input }, { text: input }, { html: `<p>${input}</p>` }, { text: input, subject: `Fwd: ${input.slice(0, 1000)}` }]) {
        const started = performance.now();
        const email = await readEmail({ attachments: [], fields: { headers: [], ...fields } } as never);
        const ms = performance.now() - started;
        expect({ shape, ms: ms > LIMIT_MS * 2 ? Math.round(ms) : 'fast' }).toEqual({ shape, ms: 'fast' });
        expect(typeof email.text).toBe('string');
      }
    }
  }, 120_000);

  it('normalises a WhatsApp webhook carrying a 1 MB text', () => {
    for (const [shape, input] of Object.entries(shapes)) {
      const body = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '106540352242922' }, contacts: [{ wa_id: '60123456789', profile: { name: 'Ana' } }], messages: [{ id: 'wamid.1', from: '60123456789', timestamp: '1767225600', type: 'text', text: { body: input } }] } }] }] };
      const ms = timed(() => {
        const [event] = splitWebhook(body).events;
        if (event?.event.kind !== 'message') throw new Error('no message');
        normaliseMessage(event.event.message, event.event.contact);
      });
      expect({ shape, slow: ms > LIMIT_MS }).toEqual({ shape, slow: false });
    }
  });

  it('a 100 KB guest name (an email display name) is bounded before any pattern is built from it', () => {
    const name = 'Aminah '.repeat(15_000);
    const ms = timed(() => {
      expect(new PiiMasker({ names: [name, name] }).mask(`Hello Aminah, ${'words '.repeat(300)}`)).toContain('Hello ⟦NAME_');
      expect(mailbox(`"${name}" <guest@example.com>`).name!.length).toBeLessThanOrEqual(100);
    });
    expect(ms).toBeLessThan(LIMIT_MS);
  });

  it('finds the same email addresses as the pattern it replaces', () => {
    const text = 'write to ana.lee+stay@mail.example.co.uk or bob@x.io, not a@b or @c.com or d@e.f1; e@f.gh.';
    const spans = emailSpans(text).map(([s, e]) => text.slice(s, e));
    expect(spans).toEqual(['ana.lee+stay@mail.example.co.uk', 'bob@x.io', 'e@f.gh']);
    expect(maskPii(text)).toBe('write to [email] or [email], not a@b or @c.com or d@e.f1; [email].');
  });
});
