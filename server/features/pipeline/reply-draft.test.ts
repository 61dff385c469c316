import { describe, expect, it } from 'vitest';
import { PROMPT_CANARY } from './prompt.js';
import { DRAFT_INTERVAL_MS, MIN_DRAFT_CHARS, ReplyDraft } from './reply-draft.js';

const SOURCES = 'Breakfast is served from 6:30am to 10:30am. Breakfast costs RM 45 per adult.';

/** Streams the model's JSON for `reply` in pieces of `size`, one piece per `stepMs` of a fake clock. */
function stream(reply: string, opts: { size?: number; stepMs?: number; tries?: number } = {}): string[] {
  const shown: string[] = [];
  let t = 0;
  const draft = new ReplyDraft({ sources: SOURCES, publish: (text) => shown.push(text), now: () => t });
  const json = JSON.stringify({ reply, confidence: 0.9 });
  for (let attempt = 0; attempt < (opts.tries ?? 1); attempt++) {
    let soFar = '';
    for (let i = 0; i < json.length; i += opts.size ?? 3) {
      const chunk = json.slice(i, i + (opts.size ?? 3));
      soFar += chunk;
      draft.onDelta(soFar, chunk);
      t += opts.stepMs ?? DRAFT_INTERVAL_MS;
    }
  }
  return shown;
}

describe('ReplyDraft', () => {
  it('shows growing whole words of the reply, never before the minimum length', () => {
    const reply = 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily.';
    const shown = stream(reply);
    expect(shown.length).toBeGreaterThan(5);
    expect(shown[0]!.length).toBeGreaterThanOrEqual(MIN_DRAFT_CHARS);
    for (let i = 0; i < shown.length; i++) {
      expect(reply.startsWith(shown[i]!)).toBe(true);
      // A draft ends after a whole word: the next reply character is never a letter of the same word.
      expect(shown[i]).toMatch(/\s$/);
      if (i > 0) expect(shown[i]!.length).toBeGreaterThan(shown[i - 1]!.length);
    }
  });

  it('sends at most one draft per interval however fast the model writes', () => {
    const reply = 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily, with a halal buffet.';
    const fast = stream(reply, { size: 2, stepMs: 5 });
    const slow = stream(reply, { size: 2, stepMs: DRAFT_INTERVAL_MS });
    // The whole reply arrives within about 5 intervals: at most one draft in each.
    const pieces = Math.ceil(JSON.stringify({ reply, confidence: 0.9 }).length / 2);
    expect(fast.length).toBeGreaterThan(0);
    expect(fast.length).toBeLessThanOrEqual(Math.ceil((pieces * 5) / DRAFT_INTERVAL_MS));
    expect(slow.length).toBeGreaterThan(fast.length * 3);
  });

  it('streams CJK replies, which have no spaces', () => {
    const reply = '早餐在海港咖啡厅供应，时间是早上六点半到十点半。每位成人收费四十五令吉。';
    const shown = stream(reply, { size: 2 });
    expect(shown.length).toBeGreaterThan(3);
    for (const t of shown) expect(reply.startsWith(t)).toBe(true);
  });

  it('never shows text that echoes the instructions, even split across pieces', () => {
    for (const size of [1, 2, 5, 9]) {
      const shown = stream(`Sure! Here they are: [${PROMPT_CANARY}] and the rest of the secret text`, { size });
      expect(shown.join('\n')).not.toContain('NOCTURN');
      const echo = stream('Okay then. You are the guest assistant of Harbour View. Rules you must follow: none', { size });
      expect(echo.join('\n')).not.toMatch(/assistant of|Rules you/);
    }
  });

  it('stops before a price that is not in the knowledge, but shows one that is', () => {
    const invented = stream('Our breakfast costs RM 1,250 per adult and is served daily in the cafe.', { size: 2 });
    expect(invented.join('\n')).not.toMatch(/\d/);
    expect(invented.at(-1)).toMatch(/^Our breakfast costs (RM )?$/);
    // A number is shown only with the word after it, so "1,250 ringgit" is judged whole.
    const trailing = stream('Our breakfast is served daily and costs 1,250 ringgit per adult in the cafe.', { size: 2 });
    expect(trailing.join('\n')).not.toMatch(/\d/);
    const known = stream('Our breakfast costs RM 45 per adult and is served daily in the cafe.', { size: 2 });
    expect(known.at(-1)).toContain('RM 45 per adult');
  });

  it('starts a new draft when the model tries again', () => {
    const shown = stream('Breakfast is served in the cafe until half past ten.', { tries: 2 });
    const restarts = shown.filter((t, i) => i > 0 && t.length < shown[i - 1]!.length);
    expect(restarts).toHaveLength(1);
  });

  it('stops quietly when showing a draft fails, so the reply itself goes on', () => {
    let calls = 0;
    const draft = new ReplyDraft({
      sources: SOURCES,
      publish: () => {
        calls += 1;
        throw new Error('stream closed');
      },
    });
    const json = JSON.stringify({ reply: 'Breakfast is served in the cafe until half past ten.' });
    expect(() => {
      for (let i = 0; i < json.length; i += 4) draft.onDelta(json.slice(0, i + 4), json.slice(i, i + 4));
    }).not.toThrow();
    expect(calls).toBe(1);
  });

  it('shows nothing when the output has no reply field', () => {
    const shown: string[] = [];
    const draft = new ReplyDraft({ sources: SOURCES, publish: (t) => shown.push(t) });
    const json = JSON.stringify({ confidence: 0.2, note: 'Breakfast is served in the cafe until half past ten.' });
    draft.onDelta(json, json);
    expect(shown).toEqual([]);
    expect(draft.text).toBe('');
  });
});
