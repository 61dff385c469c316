import { JsonStringFieldReader } from '../llm/json-field-stream.js';
import { inventedAmounts } from './guards.js';
import { echoesInstructions } from './prompt.js';

/**
 * The reply as the model writes it, for a guest who is watching (the website widget). Only a draft:
 * the stored and delivered reply is the validated one, which replaces it. Because the reply field
 * comes before the model's confidence and hand-off flags, a draft cannot know how the reply will
 * be judged; what it can know, it checks before anything is shown:
 * - nothing until MIN_DRAFT_CHARS have arrived, and only up to the last whole word (a number only
 *   with the word after it), so a marker or an amount is never shown half-written;
 * - a draft that echoes the instructions (the prompt canary, or either half of the wording the
 *   final check in reply-composer.ts looks for) stops for that try;
 * - a draft with a currency amount that is in none of the passages the model was given stops too
 *   (the final reply would be held back for a price the knowledge does not contain).
 * A stopped draft stays on screen as written so far and is replaced by the final message (often
 * the hand-off notice). A new try of the model (a retry after invalid output) starts a new draft.
 * What a draft cannot know: a reply the model itself then marks unsure or hand-off. The guest may
 * have read the start of such a reply before the hand-off notice replaces it; putting confidence
 * and hand-off before "reply" in the schema would close that, at the cost of asking the model to
 * judge an answer before writing it.
 */

/** Characters of reply text before the first draft is shown: the first word or two, soon after the model starts. */
export const MIN_DRAFT_CHARS = 6;
/** At most one draft per this many milliseconds (the final message carries the rest). */
export const DRAFT_INTERVAL_MS = 60;

/** Where a draft may end: after whitespace, CJK text or CJK punctuation (a word is complete). */
const BOUNDARY = /[\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
/** How far back a new check looks, so a marker or amount across the previous cut is seen whole. */
const OVERLAP = 48;

interface ReplyDraftOptions {
  /** The text of the passages the model was given, for the amount check. */
  sources: string;
  publish: (text: string) => void;
  now?: () => number;
}

export class ReplyDraft {
  private reader = new JsonStringFieldReader('reply');
  private stopped = false;
  /** Length of the reply text already checked and cleared to show. */
  private cleared = 0;
  /** Reply characters searched for word ends, and the end of the last word found. */
  private scanned = 0;
  private boundary = 0;
  private previousBoundary = 0;
  private digitAt = -1;
  private shown = '';
  private lastAt = -Infinity;
  private readonly now: () => number;

  constructor(private readonly opts: ReplyDraftOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** The LLM request's `onDelta`: fed every streamed piece of the model's JSON. */
  readonly onDelta = (textSoFar: string, chunk: string): void => {
    try {
      this.take(textSoFar, chunk);
    } catch {
      // A draft is a courtesy: it never breaks the reply.
      this.stopped = true;
    }
  };

  private take(textSoFar: string, chunk: string): void {
    if (textSoFar.length === chunk.length) this.restart();
    if (this.stopped || !this.reader.push(chunk)) return;
    const text = this.reader.text;
    const end = this.wordEnd(text);
    if (end < MIN_DRAFT_CHARS || end <= this.cleared) return;
    if (!this.clear(text, end)) {
      this.stopped = true;
      return;
    }
    this.cleared = end;
    const at = this.now();
    if (at - this.lastAt < DRAFT_INTERVAL_MS) return;
    this.lastAt = at;
    this.shown = text.slice(0, end);
    this.opts.publish(this.shown);
  }

  /** Length of the text up to the end of its last whole word (0 when there is none yet). */
  private wordEnd(text: string): number {
    // Each character is looked at once, however the reply is split: linear over the whole reply.
    for (; this.scanned < text.length; this.scanned++) {
      const c = text[this.scanned]!;
      if (c >= '0' && c <= '9') this.digitAt = this.scanned;
      else if (BOUNDARY.test(c)) {
        this.previousBoundary = this.boundary;
        this.boundary = this.scanned + 1;
      }
    }
    // A number waits for the word after it: "45 ringgit" is an amount, "45 minutes" is not.
    const lastWordHasDigit = this.digitAt >= this.previousBoundary && this.digitAt < this.boundary;
    return lastWordHasDigit ? this.previousBoundary : this.boundary;
  }

  /** The text between the last check and `end` (with some overlap) may be shown. */
  private clear(text: string, end: number): boolean {
    const window = text.slice(Math.max(0, this.cleared - OVERLAP), end);
    if (echoesInstructions(window)) return false;
    // Start the amount check at a word so a number cut in half is not read as a different one.
    const firstSpace = this.cleared > OVERLAP ? window.search(/\s/) : 0;
    return inventedAmounts(window.slice(Math.max(0, firstSpace)), this.opts.sources).length === 0;
  }

  private restart(): void {
    this.reader = new JsonStringFieldReader('reply');
    this.stopped = false;
    this.cleared = 0;
    this.scanned = 0;
    this.boundary = 0;
    this.previousBoundary = 0;
    this.digitAt = -1;
  }

  /** The last draft shown ('' when none). */
  get text(): string {
    return this.shown;
  }
}
