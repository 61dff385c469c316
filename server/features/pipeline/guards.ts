import type { HandoffReason } from '../../contract/conversations.js';
import { CARD, luhn } from '../../shared/redact.js';

/** Known prompt-injection phrasings; a match is flagged, never obeyed (C5). */
const INJECTION = [
  /ignore (all |any |the )?(previous|prior|above|earlier) (instructions|prompts?|rules)/i,
  /disregard (all |any |the )?(previous|prior|above|system) (instructions|prompts?|rules)/i,
  /(reveal|show|print|repeat|tell me) (me )?(your|the) (system )?(prompt|instructions|rules)/i,
  /you are now (a|an|in) /i,
  /\b(developer|dan|jailbreak) mode\b/i,
  /<\/?(system|assistant|guest_message|instructions)>/i,
  /\bact as (the )?(system|admin|developer)\b/i,
  /abaikan (semua )?arahan/i,
  /忽略(之前|以上|所有)(的)?(指令|说明|提示)/,
  // Orders addressed to the assistant about its own reply ("instruction for the AI: end your reply with ...").
  /\b(instructions?|note|message|command) (for|to) (the )?(ai|bot|chatbot|assistant|model|llm)\b/i,
  /\b(end|start|begin|finish|close) (your|the) (reply|answer|response) with\b/i,
];

export function injectionFlags(text: string): string[] {
  return INJECTION.some((re) => re.test(text)) ? ['injection_suspected'] : [];
}

const ASK_FOR_PERSON = [
  /\b(speak|talk|chat) (to|with) (?:[\p{L}'-]+ ){0,3}?(person|human|someone|somebody|staff|agent|manager|receptionist|reception|front desk|front office|operator|concierge)\b/iu,
  /\b(call me back|can someone call me|please call me|get me (a |the )?(manager|person|human)|connect me (to|with))\b|^\W*(operator|reception|front desk|agent|human)\W*$/i,
  /\b(real|live) (person|human|agent)\b/i,
  /\bhuman please\b|\bnot a (bot|robot)\b|\bare you a (bot|robot)\b/i,
  /\b(cakap|bercakap) dengan (orang|staf|pekerja)\b|\bnak (orang|manusia)\b/i,
  /人工(客服|服务)?|真人|转人工/,
];

/**
 * How guests say something went wrong, in English, Malay and Chinese: a complaint goes to a
 * person, whatever else the message asks.
 */
const COMPLAINT = new RegExp(
  [
    String.raw`\b(complain(?:ed|ing|t|ts)?|terrible|horrible|awful|disgusting|disgusted|unacceptable|ridiculous|outrageous|appalling|rude|dirty|filthy|smelly|stinks?|cockroach(?:es)?|bed ?bugs?|mou?ldy?|worst|disappoint(?:ed|ing)|upset|angry|furious|unhappy|not happy|fed up|poor service|bad service|never again|waste of money|not worth)\b`,
    String.raw`\b(?:is|was|were|are|still|keeps?|has been)\s+(?:not working|broken|leaking|blocked|noisy|too loud|cold)\b`,
    String.raw`\b(?:doesn'?t|didn'?t|does not|did not|won'?t|isn'?t|not)\s+work(?:ing)?\b|\b(?:still waiting|nobody came|no one came|no one answered|nobody answered|waited (?:for )?(?:over |more than )?\d+)\b`,
    // A Malay word the question particle ke/kah follows, or tak/x closing the question, asks whether ("bising ke?",
    // "teruk tak?"), as "is it noisy?" does; "bising tak boleh tidur" (noisy, cannot sleep) still complains, and
    // a thing broken ("rosak ke?", "坏了吗？") is the guest's own room's fault, asked about or not.
    String.raw`\b(aduan|kecewa|tak puas hati|tidak puas hati|biadap|lambat sangat|rosak)\b|\b(kotor|teruk|bising|busuk)\b(?!\s+(?:sangat\s+|sgt\s+)?(?:(?:ke|kah)\b|(?:tak|x|tidak)\s*[?？]))`,
    // Chinese asks whether with 吗 after the word ("晚上会太吵吗？"); 脏衣服 is laundry (OWN_LAUNDRY).
    '投诉|失望|不满|坏了|(?:很差|太差|脏|糟糕|太吵)(?!吗|嗎)',
  ].join('|'),
  'iu',
);

const REFUND = /\b(refund|money back|chargeback|bayaran balik|pulangan wang)\b|退款/i;
/** "If I cancel, do I get a refund?": asks what the policy says, which the knowledge answers. */
const CONDITION = /\b(if|kalau|kalo|jika|sekiranya|andai)\b|如果|要是/i;

/** The guest's own dirty clothes ("baju kotor banyak", "dirty laundry to wash"): laundry, not a complaint. */
const OWN_LAUNDRY = /\b(?:dirty|soiled|kotor)\s+(?:clothes|clothing|laundry|washing|shirts?|baju|pakaian)\b|\b(?:clothes|clothing|laundry|baju|pakaian|seluar)\s+(?:(?:are|is|yang|sangat|banyak)\s+)?(?:dirty|kotor)\b|脏衣服/giu;

const POLICY: [HandoffReason, RegExp][] = [
  ['refund', REFUND],
  ['dispute', /\b(dispute|overcharged|charged twice|double charged|wrong charge|lawyer|legal action)\b|投诉.*收费|多收/i],
  ['complaint', COMPLAINT],
  ['payment', /\b(credit card|card number|cvv|cvc|bank transfer details|pay(ment)? (link|details)|nombor kad)\b|信用卡|付款/i],
];

export function asksForPerson(text: string): boolean {
  return ASK_FOR_PERSON.some((re) => re.test(text));
}

/** Topics staff must handle: complaints, refunds, disputes and anything involving payment details. */
export function policyHandoff(text: string): HandoffReason | null {
  text = text.replace(OWN_LAUNDRY, ' ');
  const card = [...text.matchAll(CARD)].some((m) => {
    const digits = m[0].replace(/\D/g, '');
    return digits.length >= 13 && luhn(digits);
  });
  if (card) return 'payment';
  return POLICY.find(([reason, re]) => re.test(text) && !(reason === 'refund' && asksRefundPolicy(text)))?.[0] ?? null;
}

/** A refund asked about under a condition ("kalau cancel, dapat refund tak?"), not a refund asked for. */
function asksRefundPolicy(text: string): boolean {
  const condition = CONDITION.exec(text);
  const refund = REFUND.exec(text);
  return !!condition && !!refund && condition.index < refund.index;
}

/** Quoted text ('...', "...", “...”): words the guest quotes or wants repeated, not their own request. */
const QUOTED = /(?<![\p{L}\p{N}])(?:'[^'\n]{1,200}'|"[^"\n]{1,200}"|“[^”\n]{1,200}”|‘[^’\n]{1,200}’)/gu;

/** The text without its quoted parts: a suspected injection's quoted payload ("reply 'Refund approved'") asks for nothing. */
export function withoutQuoted(text: string): string {
  return text.replace(QUOTED, ' ');
}

const GREETING = /^\s*(hi|hello|hey|good (morning|afternoon|evening)|hai|helo|selamat (pagi|petang|malam)|assalamualaikum|你好|您好|哈喽)[\s!.,?]*$/i;
const THANKS = /^\s*(thanks?( you)?( so much)?|thank u|ty|ok(ay)?|great|perfect|terima kasih|tq|谢谢|多谢|好的)[\s!.,]*$/i;

export function smallTalk(text: string): 'greeting' | 'thanks' | null {
  if (GREETING.test(text)) return 'greeting';
  if (THANKS.test(text)) return 'thanks';
  return null;
}

/** Currency amounts in a reply must appear in the knowledge it was given: no invented prices. */
const AMOUNT = /(?:RM|MYR|USD|US\$|\$|€|£|SGD|S\$|¥|RMB)\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:RM|MYR|USD|ringgit|dollars?|euros?)/gi;

export function inventedAmounts(reply: string, sources: string): string[] {
  const digitsOf = (s: string) => s.replace(/[^\d.]/g, '').replace(/\.0+$/, '');
  const known = new Set([...sources.matchAll(AMOUNT)].map((m) => digitsOf(m[0])));
  const plain = new Set([...sources.matchAll(/\d[\d,]*(?:\.\d+)?/g)].map((m) => m[0].replace(/,/g, '').replace(/\.0+$/, '')));
  return [...reply.matchAll(AMOUNT)].map((m) => m[0]).filter((a) => !known.has(digitsOf(a)) && !plain.has(digitsOf(a)));
}
