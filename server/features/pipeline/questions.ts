import { analyzeQuery } from '../knowledge/query-expansion.js';
/**
 * Splitting a guest's message into the things it asks, with the platform's sentence segmenter
 * (`Intl.Segmenter`, which knows English, Malay and Chinese punctuation), so each question can be
 * retrieved and answered on its own. Pleasantries and sign-offs stay in the segments; retrieval
 * scores them low, and `questionCue` tells a real question from a remark.
 */

/** Segments shorter than this (letters and digits, or CJK characters) carry no question of their own. */
const MIN_SEGMENT_CHARS = 4;
/** At most this many questions are answered from one message; the rest go with the last one. */
export const MAX_QUESTIONS = 5;

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Closed-class question words of the three languages the hotels see (not topic words). */
const QUESTION_WORDS = new Set(
  (
    'what whats when where which who whom whose why how is are am was were do does did can could will would should shall may might any anything anyone ' +
    'apa apakah bila bilakah mana manakah berapa berapakah bagaimana macammana camne camana kenapa mengapa siapa boleh bolehkah ada adakah ke kah'
  ).split(' '),
);
/** Words that may come before the question word without asking anything themselves. */
const LEAD_IN = new Set('hi hello hey dear hai helo ok okay so and also btw oh um uh but then just quick question sorry excuse me pls please tolong sila encik puan cik boss bos'.split(' '));
/** Indirect questions: "I'd like to know if...", "pls advise", "nak tanya...". */
const ASKING = /\b(wonder(?:ing)?|(?:know|ask|check|confirm) (?:if|whether|what|when|how|about)|tell me|let me know|any idea|pls advise|please advise|advise (?:me|us)|enquir(?:e|y|ing)|inquir(?:e|y|ing)|nak tanya|ingin tahu|mahu tahu|nak tahu|tanya sikit)\b/;
const CJK_QUESTION = /[吗嗎呢么麼几幾多少什麼什么哪怎是否有没有沒有可以能否？]/u;

/** Question words that ask even in a sentence closed by a full stop ("what time is breakfast."). */
const WH_WORDS = new Set(
  'what whats when where which who whom whose why how apa apakah bila bilakah mana manakah berapa berapakah bagaimana macammana camne camana kenapa mengapa siapa'.split(' '),
);
const CJK_ASKING = /[吗嗎呢么麼几幾多少什麼什么哪怎]/u;

/**
 * Whether a segment asks something (a question mark, a question word first, or a Chinese question
 * particle). `sentence` is the sentence the segment was cut from: in a sentence closed by a full
 * stop or an exclamation mark, a clause opening with a verb ("and might come back late.", "we can
 * walk there.") is a remark; only a wh-word or an asking phrase makes it a question.
 */
export function questionCue(segment: string, sentence?: string): boolean {
  if (/[?？]/.test(segment)) return true;
  const declarative = sentence !== undefined && !/[?？]/.test(sentence) && /[.!。！]\s*$/.test(sentence.trim());
  if (declarative ? CJK_ASKING.test(segment) : CJK_QUESTION.test(segment)) return true;
  // "what's", "where’s", "how're": the question word without its contraction.
  const lower = segment.toLowerCase().replace(/['’](?:s|re|ll|d)\b/g, '');
  // An asking phrase on its own ("nak tanya," "quick question, ...") only announces the question after it.
  if (ASKING.test(lower)) return analyzeQuery(lower.replace(ASKING, ' ')).length > 0;
  const words = lower.match(/[\p{L}\p{N}']+/gu) ?? [];
  // "hi, is there parking" / "and btw can I...": the question word comes first, after any lead-in.
  const first = words.find((w) => !LEAD_IN.has(w));
  if (declarative) return first !== undefined && WH_WORDS.has(first) && !relativeClause(segment, sentence);
  return (first !== undefined && QUESTION_WORDS.has(first)) || words.some((w) => w.length > 5 && /^[a-z]+kah$/.test(w));
}

/**
 * In a sentence that ends with a full stop, a question word right after a comma that follows a
 * statement opens a relative clause ("we're seeing the orchestra, which I have wanted to do for
 * years."), not a question ("Hi, what time is check-in." still asks).
 */
function relativeClause(segment: string, sentence: string): boolean {
  const at = sentence.indexOf(segment.trim());
  if (at <= 0) return false;
  const before = sentence.slice(0, at).trimEnd();
  if (!before.endsWith(',')) return false;
  const words = before.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  return words.some((w) => !LEAD_IN.has(w) && !GREETING.has(w));
}
/** What may stand before the comma of a greeting ("Hi there,", "Good morning team,"). */
const GREETING = new Set('there team guys all everyone good morning afternoon evening'.split(' '));

function contentLength(s: string): number {
  return (s.match(/[\p{L}\p{N}]/gu) ?? []).length;
}

/**
 * An emoji with a space after it: in a chat message it ends a sentence as a full stop would ("the kids
 * will be zombies 😅 I know it's early but ..."), which the sentence segmenter does not know.
 */
const EMOJI_THEN_SPACE = /\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?(?=\s)/gu;

/**
 * The message's sentences, in order: lines (and emoji that end a sentence), then sentences within each line, then clauses joined
 * by a semicolon. Empty and punctuation-only pieces are dropped; a piece too short to ask
 * anything is joined to the one before it.
 */
export function segments(text: string): string[] {
  const out: string[] = [];
  for (const line of text.replace(EMOJI_THEN_SPACE, '$&\n').split(/\r?\n+/)) {
    for (const { segment } of sentences.segment(line)) {
      for (const piece of segment.split(/;|；/)) {
        const s = piece.trim();
        if (!s) continue;
        if (contentLength(s) < MIN_SEGMENT_CHARS && out.length > 0) out[out.length - 1] = `${out[out.length - 1]} ${s}`;
        else if (contentLength(s) > 0) out.push(s);
      }
    }
  }
  return out;
}

/**
 * Where one sentence may hold two questions: a coordinator ("and", "also", "dan", "还有"), a
 * list marker ("1)", "2.") or a colon ("two questions: is the gym ..."). Splitting there is safe
 * because a piece that asks nothing of its own and finds nothing is read as context, and pieces
 * answered by the same item merge again.
 */
// Each run of spaces is tried once, from its start ((?<!\s)): a long run cannot make the split quadratic.
const CLAUSE_BREAK = /(?<!\s)\s+(?:and also|and|also|plus|as well as|&|n|dan juga|dan|serta|juga)\s+|[,，、]\s*(?:and|also|dan|juga)?\s*|(?<!\s)\s*(?:还有|以及|另外|并且|而且)\s*|(?:^|\s)\(?\d{1,2}[).]\s+|[:：]\s+/giu;
/** At most this many clauses are read from one message. */
const MAX_CLAUSES = 12;

/** A sentence's clauses, in order; a clause too short to ask anything joins the one before it. */
export function clauses(sentence: string): string[] {
  const out: string[] = [];
  for (const raw of sentence.split(CLAUSE_BREAK)) {
    const c = (raw ?? '').trim();
    if (!c) continue;
    if (contentLength(c) < MIN_SEGMENT_CHARS && out.length > 0) out[out.length - 1] = `${out[out.length - 1]} ${c}`;
    else if (contentLength(c) > 0) out.push(c);
    if (out.length >= MAX_CLAUSES) break;
  }
  return out;
}
