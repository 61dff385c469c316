import { lexicon } from '../knowledge/lexicon.js';
import { PiiMasker } from '../llm/pii-mask.js';
import { asksForPerson, injectionFlags, policyHandoff, smallTalk } from '../pipeline/guards.js';
import { detectLanguage, extractLead } from './lead-extraction.js';

const SAMPLES = [
  'Hello, my name is Ana Lee. Do you have a family suite for 2 adults and 2 kids from 12 March to 15 March? ana@example.com +60 12-345 6789',
  'Saya nak tempah bilik untuk 2 orang dewasa dari 12 Mac hingga 14 Mac. Terima kasih.',
  '你好，我叫王小明，想预订3月12日到3月14日的家庭房，2位成人。',
];

/**
 * Runs the patterns that read guest text a few times at start-up. V8 first interprets a regular
 * expression and compiles it only after it has run; on the first 2,000-character message, chrono's
 * date patterns would otherwise hold the event loop for a quarter of a second. The search's
 * dictionaries are read here too, for the same reason.
 */
export function warmUpGuestParsers(): void {
  lexicon().warm();
  for (let round = 0; round < 3; round++) {
    for (const text of SAMPLES) {
      detectLanguage(text);
      extractLead(text, { today: '2026-03-01', country: 'MY' });
      injectionFlags(text);
      asksForPerson(text);
      policyHandoff(text);
      smallTalk(text);
      new PiiMasker({ names: ['Ana Lee'], defaultCountry: 'MY' }).mask(text);
    }
  }
}
