import { cjkBigrams, hasCjk, lightStem, normalizeForMatch } from './search-text.js';

/**
 * Turns a guest's question into concept groups for lexical search. Each group is one thing the
 * guest asked about, with the words a hotel's knowledge base may use for it, in English, Malay
 * and Chinese ("car park" finds "parking", "sarapan" and "早餐" find "breakfast"). Words outside
 * the glossary become single-word groups; filler words are dropped.
 */
export interface QueryGroup {
  /** The concept (glossary key) or the word itself. */
  label: string;
  /** Alternatives, each one FTS5 phrase. */
  terms: string[];
  /** True when the group came from the hotel glossary. */
  expanded: boolean;
}

/** Hotel vocabulary: concept -> words and phrases guests and hotels use for it. */
export const HOTEL_GLOSSARY: Record<string, string[]> = {
  'check-in': ['check in', 'checkin', 'arrival', 'arrive', 'arriving', 'early check in', 'daftar masuk', '入住', '登记入住'],
  'check-out': ['check out', 'checkout', 'departure', 'depart', 'late check out', 'last day', 'daftar keluar', '退房', '离店'],
  parking: ['parking', 'car park', 'carpark', 'park', 'car', 'cars', 'garage', 'valet', 'vehicle', 'letak kereta', 'tempat letak kereta', 'parkir', 'meletak kereta', '停车', '停车场', '泊车', '车位'],
  wifi: ['wifi', 'wi fi', 'internet', 'wireless', 'broadband', 'network', 'internet tanpa wayar', '无线网', '网络', '上网', '无线'],
  password: ['password', 'passcode', 'kata laluan', '密码'],
  breakfast: ['breakfast', 'morning meal', 'brekkie', 'buffet', 'sarapan', 'sarapan pagi', '早餐', '早饭'],
  dining: ['restaurant', 'dining', 'dinner', 'lunch', 'food', 'menu', 'cafe', 'room service', 'order food', 'order', 'eat', 'restoran', 'makan', 'makanan', 'makan malam', '餐厅', '餐馆', '晚餐', '午餐', '吃饭', '客房服务'],
  pool: ['pool', 'swimming', 'swim', 'kolam renang', 'kolam', 'berenang', '游泳池', '泳池', '游泳'],
  // "fitness" alone would stem to "fit" and match "fits"; the phrases are safe.
  gym: ['gym', 'fitness centre', 'fitness center', 'fitness room', 'workout', 'work out', 'exercise', 'gimnasium', 'gim', '健身房', '健身'],
  spa: ['spa', 'massage', 'urut', '按摩', '水疗'],
  airport: ['airport', 'klia', 'lapangan terbang', '机场'],
  transfer: ['transfer', 'shuttle', 'pick up', 'pickup', 'pick', 'collect', 'drop off', 'limousine', 'taxi', 'grab', 'pengangkutan', 'jemput', 'teksi', '接送', '接机', '班车', '出租车'],
  transit: ['train', 'station', 'mrt', 'lrt', 'bus', 'public transport', 'stesen', 'kereta api', '地铁', '火车站', '车站', '公交'],
  pets: ['pet', 'pets', 'dog', 'dogs', 'cat', 'cats', 'puppy', 'animal', 'haiwan peliharaan', 'haiwan', 'anjing', 'kucing', '宠物', '狗', '猫'],
  smoking: ['smoking', 'smoke', 'cigarette', 'vape', 'vaping', 'merokok', 'rokok', '吸烟', '抽烟'],
  cancellation: ['cancel', 'cancellation', 'refund', 'money back', 'no show', 'pembatalan', 'batal', 'membatalkan', 'bayaran balik', '取消', '退款', '退订'],
  price: ['price', 'rate', 'cost', 'how much', 'tariff', 'fee', 'charge', 'rm', 'myr', 'harga', 'kadar', 'bayaran', 'caj', 'berapa harga', '价格', '多少钱', '房价', '费用', '收费', '价钱'],
  room: ['room', 'suite', 'bilik', '房间', '客房'],
  size: ['size', 'big', 'large', 'spacious', 'square metres', 'sqm', 'm2', 'sq ft', 'luas', 'besar', '面积', '多大'],
  night: ['night', 'nights', 'overnight', 'per night', 'semalam', 'malam', '一晚', '每晚', '晚上'],
  bed: ['bed', 'king', 'queen', 'twin', 'katil', '床'],
  'extra bed': ['extra bed', 'rollaway', 'cot', 'crib', 'baby cot', 'katil tambahan', '加床', '婴儿床'],
  time: ['time', 'hours', 'open', 'opening', 'opens', 'close', 'closes', 'start', 'starts', 'begin', 'finish', 'what time', 'when', 'until', 'daily', 'am', 'pm', 'noon', 'midnight', 'served', 'pukul berapa', 'jam berapa', 'pukul', 'waktu', 'buka', 'tutup', '时间', '几点', '营业', '开放', '开始', '关门'],
  directions: ['directions', 'direction', 'address', 'location', 'located', 'get to', 'how to get', 'find you', 'map', 'drive', 'driving', 'by car', 'arah', 'alamat', 'lokasi', 'memandu', '地址', '位置', '怎么去', '怎么走', '开车'],
  distance: ['distance', 'how far', 'far', 'km', 'kilometres', 'minutes', 'how long', 'jauh', '多远', '距离', '多久'],
  'kuala lumpur': ['kuala lumpur', 'kl', '吉隆坡'],
  laundry: ['laundry', 'washing', 'ironing', 'iron', 'dry cleaning', 'dobi', 'cucian', 'basuh', '洗衣', '熨'],
  free: ['free', 'free of charge', 'complimentary', 'no charge', 'included', 'percuma', 'termasuk', '免费', '包括'],
  deposit: ['deposit', 'security deposit', 'cagaran', '押金', '保证金'],
  children: ['child', 'children', 'kid', 'kids', 'baby', 'infant', 'family', 'kanak kanak', 'kanak', 'anak', 'keluarga', '儿童', '小孩', '孩子', '家庭'],
  luggage: ['luggage', 'baggage', 'bags', 'suitcase', 'left luggage', 'bagasi', 'beg', '行李', '寄存'],
  payment: ['pay', 'payment', 'credit card', 'card', 'cash', 'visa', 'mastercard', 'american express', 'amex', 'unionpay', 'bayar', 'pembayaran', 'kad kredit', 'tunai', '付款', '支付', '信用卡', '现金'],
  // Not the Malay "babi" (pork): with Porter stemming it would match "baby".
  halal: ['halal', 'muslim', 'pork', '清真', '猪肉'],
  accessibility: ['wheelchair', 'accessible', 'accessibility', 'disabled', 'lift', 'elevator', 'kerusi roda', 'orang kurang upaya', 'oku', '轮椅', '无障碍', '电梯'],
  identification: ['passport', 'identification', 'id card', 'ic', 'mykad', 'pasport', 'kad pengenalan', '护照', '身份证'],
  tax: ['tax', 'tourism tax', 'service charge', 'sst', 'cukai', 'cukai pelancongan', '税', '旅游税', '服务费'],
};

const STOPWORDS = new Set(
  (
    // English
    'a an the is are was were be been being do does did doing can could would will shall should may might must i me my mine we our ours us you your yours ' +
    'he she they them their it its this that these those there here what which who whom whose where how why any some of to for in on at by with about from as into ' +
    'onto over and or if so than then also too very just really please pls plz hi hello hey thanks thank thx dear regards kindly know tell let like want wanna need ' +
    'get got have has had am im ive id s t not no yes ok okay much many more most per one someone anyone anything something guest guests stay staying hotel ' +
    'possible able available allowed ask asking question wondering would wonder check leave go going come coming use using make take give find put keep bring ' +
    'somewhere anywhere around before after during near happen happens day days today tonight tomorrow late early last next first long big small okay fine good great ' +
    'two three four five six seven eight nine ten couple ' +
    // Malay
    'apa ada adakah boleh bolehkah saya kami kita anda awak di ke dari daripada untuk dengan yang ini itu dan atau tak tidak bila mana bagaimana macam mahu nak ' +
    'hendak tolong sila encik puan ialah adalah pada dalam kah pun lah juga tu ni ye ya hai terima kasih berapa perlu sudah dah masih akan hotel tetamu ' +
    'bawa dapat mana2 sahaja satu dua tiga hari esok'
  ).split(/\s+/),
);
// "check" alone is too vague to search for; "check in" and "check out" are glossary phrases.

/** Characters that carry no topic in a Chinese question. */
const CJK_STOP = new Set([...'请问我你您们的了吗呢吧是有在和要可以能啊呀么什么怎么哪里几个这那就都也还与及或者会想需不没好吗嗎麼']);
/** Two-character words that carry no topic either ("hotel" is every item's topic). */
const CJK_STOP_WORDS = ['酒店', '宾馆', '饭店', '请问', '可以', '什么', '怎么', '哪里', '是否', '有没', '没有', '需要', '我们', '你们', '现在', '今天', '明天'];

interface GlossaryPhrase {
  concept: string;
  /** Normalised words (Latin) or characters (CJK). */
  text: string;
  cjk: boolean;
}

const PHRASES: GlossaryPhrase[] = Object.entries(HOTEL_GLOSSARY)
  .flatMap(([concept, words]) => words.map((w) => ({ concept, text: normalizeForMatch(w), cjk: hasCjk(w) })))
  .sort((a, b) => [...b.text].length - [...a.text].length);

/** Single glossary words by light stem, so "parked" or "arrival" still find their concept. */
const BY_STEM = new Map<string, string>();
for (const p of PHRASES) if (!p.cjk && !p.text.includes(' ') && p.text.length > 2) BY_STEM.set(lightStem(p.text), p.concept);

function conceptGroup(concept: string): QueryGroup {
  return { label: concept, terms: [...new Set(HOTEL_GLOSSARY[concept]!.map((w) => normalizeForMatch(w)))], expanded: true };
}

/** The concept groups of a question, in the order they appear; empty when nothing is searchable. */
export function analyzeQuery(query: string): QueryGroup[] {
  let text = ` ${normalizeForMatch(query)} `;
  const found: { at: number; group: QueryGroup }[] = [];
  const seen = new Set<string>();
  const add = (at: number, group: QueryGroup) => {
    if (seen.has(group.label)) return;
    seen.add(group.label);
    found.push({ at, group });
  };

  // 1. Glossary phrases, longest first; a matched span is blanked so it is not read twice.
  for (const p of PHRASES) {
    const needle = p.cjk ? p.text : ` ${p.text} `;
    let at = text.indexOf(needle);
    while (at >= 0) {
      add(at, conceptGroup(p.concept));
      text = text.slice(0, at) + ' '.repeat(needle.length) + text.slice(at + needle.length);
      at = text.indexOf(needle);
    }
  }

  // 2. What is left: Latin words (stop words dropped, glossary looked up by stem) and CJK bigrams.
  const re = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[\p{L}\p{N}]+/gu;
  for (const m of text.matchAll(re)) {
    const token = m[0];
    const at = m.index;
    if (hasCjk(token)) {
      const rest = CJK_STOP_WORDS.reduce((t, w) => t.split(w).join(' '), token);
      for (const run of rest.split(new RegExp(`[\\s${[...CJK_STOP].join('')}]+`, 'u'))) {
        if ([...run].length < 2) continue;
        for (const bigram of cjkBigrams(run)) add(at, { label: bigram, terms: [bigram], expanded: false });
      }
      continue;
    }
    // Bare numbers say little on their own ("3 days", "2 adults") and match every price.
    if (STOPWORDS.has(token) || token.length < 2 || /^\d+$/.test(token)) continue;
    if (/^\d{1,2}(am|pm)$/.test(token)) {
      add(at, conceptGroup('time'));
      continue;
    }
    const concept = BY_STEM.get(lightStem(token));
    if (concept) add(at, conceptGroup(concept));
    else add(at, { label: token, terms: [token], expanded: false });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.group);
}
