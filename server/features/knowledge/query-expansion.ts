import { PHONE, replaceEmails } from '../../shared/redact.js';
import { lexicon } from './lexicon.js';
import { cjkWords, hasCjk, lightStem, normalizeForMatch } from './search-text.js';

/**
 * Turns a guest's question into concept groups for lexical search. Each group is one thing the
 * guest asked about, with the words a hotel's knowledge base may use for it, in English, Malay
 * and Chinese ("car park" finds "parking", "sarapan" and "早餐" find "breakfast"), and the
 * hotel's own synonyms. Words outside both become single-word groups; greetings, sign-offs,
 * contact details and filler words are dropped. The glossary is generic hotel vocabulary across
 * languages, not a list fitted to test questions: ranking must work without it.
 */
export interface QueryGroup {
  /** The concept (glossary key) or the word itself. */
  label: string;
  /** Alternatives, each one FTS5 phrase. */
  terms: string[];
  /** True when the group came from the hotel glossary or the hotel's synonyms. */
  expanded: boolean;
  /** Forms to try when no term is in the hotel's vocabulary (a Malay word's root). */
  fallbacks?: string[];
  /**
   * Weak evidence of a topic: a word of the hotel's own name (every item is about the hotel), or a
   * day of the week ("is the gym open on Sunday?" asks about the gym; Sunday says when).
   */
  weak?: boolean;
  /**
   * Written capitalised inside a sentence ("our cat Mochi", "from London", "Regards, Priya"): a
   * name of a person, a pet or a place, which a hotel that never mentions it cannot be asked about.
   */
  name?: boolean;
  /**
   * Written with a capital inside the word ("eWallet", "GrabPay"): a product's name, which names what
   * is asked even when no dictionary knows it.
   */
  product?: boolean;
  /**
   * The thing a guest asks the hotel to have or do ("is there a *golf course* nearby?", "do you rent
   * *snorkelling masks*?", "ada *lif* tak?", "有没有*浴缸*"): an item that never mentions it cannot
   * answer, whatever else it shares with the question (see focusOf).
   */
  focus?: boolean;
  /** Read from what the guest said around the question, not from the question itself. */
  context?: boolean;
}

/** Hotel vocabulary: concept -> words and phrases guests and hotels use for it. */
export const HOTEL_GLOSSARY: Record<string, string[]> = {
  'check-in': ['check in', 'checkin', 'arrival', 'arrive', 'arriving', 'early check in', 'daftar masuk', '入住', '登记入住'],
  'check-out': ['check out', 'checkout', 'departure', 'depart', 'late check out', 'last day', 'daftar keluar', '退房', '离店'],
  parking: ['parking', 'car park', 'carpark', 'park', 'car', 'cars', 'garage', 'valet', 'vehicle', 'letak kereta', 'tempat letak kereta', 'parkir', 'meletak kereta', '停车', '停车场', '泊车', '车位'],
  wifi: ['wifi', 'wi fi', 'internet', 'wireless', 'broadband', 'network', 'internet tanpa wayar', '无线网', '网络', '上网', '无线'],
  password: ['password', 'passcode', 'kata laluan', '密码'],
  breakfast: ['breakfast', 'morning meal', 'brekkie', 'sarapan', 'sarapan pagi', '早餐', '早饭'],
  dining: ['restaurant', 'dining', 'dinner', 'lunch', 'food', 'menu', 'cafe', 'order', 'eat', 'restoran', 'makan', 'makanan', 'makan malam', '餐厅', '餐馆', '晚餐', '午餐', '吃饭'],
  // Its own concept: a guest ordering to the room asks about in-room dining, not the restaurant's hours.
  'room service': ['room service', 'in room dining', 'order food', 'food to the room', 'servis bilik', '客房服务', '送餐'],
  pool: ['pool', 'swimming', 'swim', 'kolam renang', 'kolam', 'berenang', '游泳池', '泳池', '游泳'],
  // "fitness" alone would stem to "fit" and match "fits"; the phrases are safe.
  gym: ['gym', 'fitness centre', 'fitness center', 'fitness room', 'workout', 'work out', 'exercise', 'gimnasium', 'gim', '健身房', '健身'],
  spa: ['spa', 'massage', 'urut', '按摩', '水疗'],
  airport: ['airport', 'klia', 'lapangan terbang', '机场'],
  // "A car to the airport" is a ride; "car" alone is parking's.
  transfer: ['transfer', 'shuttle', 'pick up', 'pickup', 'pick', 'collect', 'drop off', 'limousine', 'taxi', 'grab', 'car to', 'car from', 'ride to', 'ride from', 'pengangkutan', 'jemput', 'teksi', '接送', '接机', '班车', '出租车'],
  transit: ['train', 'station', 'mrt', 'lrt', 'bus', 'public transport', 'stesen', 'kereta api', '地铁', '火车站', '车站', '公交'],
  pets: ['pet', 'pets', 'dog', 'dogs', 'cat', 'cats', 'puppy', 'animal', 'haiwan peliharaan', 'haiwan', 'anjing', 'kucing', '宠物', '狗', '猫'],
  smoking: ['smoking', 'smoke', 'cigarette', 'vape', 'vaping', 'merokok', 'rokok', '吸烟', '抽烟'],
  cancellation: ['cancel', 'cancellation', 'refund', 'money back', 'no show', 'pembatalan', 'batal', 'membatalkan', 'bayaran balik', '取消', '退款', '退订'],
  // "Pay extra" is a price, not the extra bed.
  price: ['price', 'rate', 'cost', 'how much', 'pay extra', 'cost extra', 'extra charge', 'extra cost', 'additional charge', 'tariff', 'fee', 'charge', 'rm', 'myr', 'ringgit', 'harga', 'kadar', 'bayaran', 'caj', 'berapa harga', '价格', '多少钱', '房价', '费用', '收费', '价钱'],
  room: ['room', 'suite', 'bilik', '房间', '客房'],
  size: ['size', 'big', 'large', 'spacious', 'square metres', 'sqm', 'm2', 'sq ft', 'luas', 'besar', '面积', '多大'],
  night: ['night', 'nights', 'overnight', 'per night', 'semalam', 'malam', '一晚', '每晚', '晚上'],
  bed: ['bed', 'king', 'queen', 'twin', 'katil', '床'],
  'extra bed': ['extra bed', 'rollaway', 'cot', 'crib', 'baby cot', 'katil tambahan', '加床', '婴儿床'],
  time: ['time', 'hours', 'open', 'opening', 'opens', 'close', 'closes', 'start', 'starts', 'begin', 'finish', 'what time', 'when', 'until', 'till', 'sampai', 'hingga', 'sehingga', 'all night', 'round the clock', 'around the clock', '24 hours', 'daily', 'am', 'pm', 'noon', 'midnight', 'served', 'pukul berapa', 'jam berapa', 'pukul', 'waktu', 'buka', 'tutup', '时间', '几点', '营业', '开放', '开始', '关门'],
  directions: ['directions', 'direction', 'address', 'location', 'located', 'get to', 'how to get', 'find you', 'map', 'drive', 'driving', 'by car', 'arah', 'alamat', 'lokasi', 'memandu', '地址', '位置', '怎么去', '怎么走', '开车'],
  distance: ['distance', 'how far', 'far', 'near', 'nearby', 'nearest', 'walking distance', 'km', 'kilometres', 'minutes', 'jauh', '多远', '距离', '附近'],
  // How long something takes or lasts: a ride in minutes, a rental by the hour, lost property kept for months.
  duration: ['how long', 'minutes', 'minute', 'hours', 'hour', 'days', 'weeks', 'months', 'berapa lama', 'minit', 'jam', '多久', '多长时间', '分钟', '小时'],
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

/**
 * Glossary concepts that say what is asked about a topic (when, how much, whether free, how far, how
 * long, how big) rather than the topic itself: every item may hold them.
 */
export const ASPECT_CONCEPTS: ReadonlySet<string> = new Set(['time', 'price', 'free', 'distance', 'duration', 'size']);

const STOPWORDS = new Set(
  (
    // English, with the chat forms guests type
    'a an the is are was were be been being do does did doing can could would will shall should may might must i me my mine we our ours us you your yours ' +
    'he she they them their it its this that these those there here what which who whom whose where how why any some of to for in on at by with about from as into ' +
    'onto over and or if so than then also too very just really please pls plz plss hi hello hey hiya thanks thank thx tq ty tqvm dear regards kindly know tell let like want wanna need ' +
    'get got have has had am im ive id ill s t not no yes ok okay much many more most per one someone anyone anything something guest guests stay staying hotel ' +
    'possible able available allowed ask asking question questions wondering would wonder check leave go going come coming use using make take give find put keep bring ' +
    'somewhere anywhere around before after during near happen happens day days today tonight tomorrow late early last next first long big small fine good great ' +
    'two three four five six seven eight nine ten couple u ur r y cn cud wud shud abt bcoz coz cuz btw pls lol haha hehe hmm um uh oh ah eh la lah leh lor meh ya yah yep yeah ' +
    'up wat wht whats wheres hows whr hw gonna gotta kinda sorta kind sort bit abit quick quickly actually maybe probably sure also still again already just wanted wants gt gd morning afternoon evening ' +
    'email mail see sir madam maam team guys folks everyone there hope doing well cheers best wishes bye goodbye soon reply asap thing things stuff way ' +
    'wife husband friend friends mum mom dad parents partner ' +
    // conjunctions and determiners of a standard English stop-word list (NLTK's); not the
    // prepositions that can carry a topic ("under 12", "other hotel", "run out")
    'but because while nor having own such each both few same further once ' +
    // and its pronouns and its negated auxiliaries, as guests type them with or without the apostrophe
    'myself ourselves yourself yourselves him his himself her hers herself itself theirs themselves ' +
    'don ll re ve ain aren couldn didn doesn hadn hasn haven isn mightn mustn needn shan shouldn wasn weren won wouldn ' +
    'cant dont wont didnt doesnt isnt arent wasnt werent couldnt wouldnt shouldnt havent hasnt hadnt youre theyre hes shes thats theres ' +
    // Malay, with the chat forms
    'apa ada adakah boleh bolehkah saya sy kami kita anda awak di ke dari daripada untuk dengan yang ini itu dan atau tak tidak x bila mana bagaimana macam mahu nak nk ' +
    'hendak tolong sila encik puan cik ialah adalah pada dalam kah pun lah juga tu ni ye ya yer je jer jugak hai helo terima kasih berapa perlu sudah dah masih akan hotel tetamu ' +
    'bawa dapat mana2 sahaja saja satu dua tiga hari esok kat dekat camne cmne mcm kot ke bro sis boss bos kak abang korang kitorang dia diorang mereka selamat pagi petang ' +
    // Malay conjunctions and adverbs from a standard stop-word list: if, but, because, very, again, all, now, here, there, before, after
    'kalau jika jikalau tapi tetapi sebab kerana karena sangat lagi semua pula bagi oleh telah sedang ingin mau nanti sekarang sini situ sana begitu begini sebelum selepas selain ' +
    // Chinese in pinyin chat
    'ni hao xie xie'
  )
    .split(/\s+/),
);
// "check" alone is too vague to search for; "check in" and "check out" are glossary phrases.

/** Multi-word greetings, pleasantries and sign-offs, removed before anything is read. */
const PLEASANTRIES = [
  'good morning', 'good afternoon', 'good evening', 'good day', 'good night', 'thank you', 'thank you so much', 'thanks a lot', 'many thanks',
  'thanks in advance', 'best regards', 'kind regards', 'warm regards', 'have a nice day', 'have a good day', 'look forward', 'looking forward',
  'hope you are well', 'how are you', 'just wanted to ask', 'i would like to know', 'i want to ask', 'may i know', 'can i know', 'can you tell me',
  'let me know', 'selamat pagi', 'selamat petang', 'selamat malam', 'selamat tengah hari', 'assalamualaikum', 'terima kasih', 'nak tanya', 'saya nak tanya',
  'mohon maklumat', 'ni hao',
].map((p) => normalizeForMatch(p));

/** Characters that carry no topic in a Chinese question. */
const CJK_STOP = new Set([...'请问我你您们的了吗呢吧是有在和要可以能啊呀么什么怎么哪里几个这那就都也还与及或者会想需不没好吗嗎麼哦嗯呀啦喔']);
/** Words that carry no topic either ("hotel" is every item's topic; greetings and thanks). */
const CJK_STOP_WORDS = new Set([
  '酒店', '宾馆', '饭店', '请问', '可以', '什么', '怎么', '哪里', '是否', '有没有', '有没', '没有', '需要', '我们', '你们', '现在', '今天', '明天',
  '你好', '您好', '谢谢', '多谢', '感谢', '麻烦', '一下', '我想', '想问', '问问', '知道', '请', '吗', '呢', '的', '了',
]);

/** Days of the week in English, Malay and Chinese: when a guest asks, rarely what about. */
const WEEKDAYS = new Set([
  ...'monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun weekend weekends weekday weekdays'.split(' '),
  ...'isnin selasa rabu khamis jumaat sabtu ahad minggu'.split(' '),
  ...'星期一 星期二 星期三 星期四 星期五 星期六 星期日 星期天 周一 周二 周三 周四 周五 周六 周日 周末'.split(' '),
]);

/** The verb "charge" with an object after it: charging a battery (the glossary's "charge" is a price). */
const CHARGE_A_BATTERY = /(?<= )charg(?:e|es|ing)(?= (?:my|our|your|his|her|their|the|a|an|it|them) )/g;

/** Links say nothing about the topic; a match starts only where a word starts, so this runs in linear time. */
const LINK = /(?<!\S)https?:\/\/\S*/g;

const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[\p{L}\p{N}]+/gu;

interface GlossaryPhrase {
  concept: string;
  /** Normalised words (Latin) or characters (CJK). */
  text: string;
  cjk: boolean;
}

function phrasesOf(glossary: Record<string, string[]>): GlossaryPhrase[] {
  return Object.entries(glossary)
    .flatMap(([concept, words]) => words.map((w) => ({ concept, text: normalizeForMatch(w), cjk: hasCjk(w) })))
    .filter((p) => p.text.length > 0)
    .sort((a, b) => [...b.text].length - [...a.text].length);
}

const PHRASES = phrasesOf(HOTEL_GLOSSARY);

/** Single glossary words by light stem, so "parked" or "arrival" still find their concept. */
const BY_STEM = new Map<string, string>();
for (const p of PHRASES) if (!p.cjk && !p.text.includes(' ') && p.text.length > 2) BY_STEM.set(lightStem(p.text), p.concept);

/**
 * The root of a Malay word under generic affix rules (meN-, ber-, di-, ter-, peN- prefixes;
 * -kan, -an, -nya, -lah, -kah, -i suffixes), or the word itself when too little would be left:
 * "dihidangkan" -> "hidang", "merokok" -> "rokok", "pembatalan" -> "batal".
 */
export function malayRoot(word: string): string {
  let w = word;
  const strip = (re: RegExp, min: number) => {
    const m = re.exec(w);
    if (m && w.length - m[0].length >= min) {
      w = w.slice(0, m.index) + w.slice(m.index + m[0].length);
      return true;
    }
    return false;
  };
  strip(/(nya|lah|kah)$/, 4);
  if (!strip(/(kan|an)$/, 4)) strip(/i$/, 5);
  if (!strip(/^(meng|meny|peng|peny)/, 3)) {
    if (strip(/^(mem|pem)/, 3)) w = /^[aeiou]/.test(w) ? `p${w}` : w;
    else if (strip(/^(men|pen)/, 3)) w = /^[aeiou]/.test(w) ? `t${w}` : w;
    else strip(/^(ber|ter|di|me|be|se)/, 4);
  } else if (/^[aeiou]/.test(w) && word.startsWith('meny')) {
    w = `s${w}`;
  }
  return w;
}

/** A hotel's own synonym set: words and phrases its guests use for one thing. */
export interface SynonymSet {
  id: string;
  words: string[];
}

/**
 * The concept groups of a question, in the order they appear; empty when nothing is searchable.
 * `weak` holds words that say little about the topic at this hotel (the words of its name).
 */
export function analyzeQuery(query: string, synonyms: SynonymSet[] = [], weak: ReadonlySet<string> = new Set()): QueryGroup[] {
  let text = cleaned(query);
  const names = namesIn(query);
  const products = productsIn(query);
  const focus = focusOf(query);
  const found: { at: number; group: QueryGroup }[] = [];
  const seen = new Set<string>();
  const add = (at: number, group: QueryGroup, word?: string) => {
    if (seen.has(group.label)) {
      if (word && focus(word)) found.find((f) => f.group.label === group.label)!.group.focus = true;
      return;
    }
    seen.add(group.label);
    found.push({ at, group: word && focus(word) ? { ...group, focus: true } : group });
  };

  // 0. "Charge my phone", "charging the car": a battery, not a price ("a charge", "charge for").
  for (const m of text.matchAll(CHARGE_A_BATTERY)) {
    add(m.index, { label: 'charging', terms: ['charging'], expanded: false });
    text = text.slice(0, m.index) + ' '.repeat(m[0].length) + text.slice(m.index + m[0].length);
  }

  // 1. The hotel's own synonyms, then glossary phrases, longest first; a matched span is blanked
  //    so it is not read twice. A hotel synonym that is also a glossary word joins both sets.
  const own = Object.fromEntries(synonyms.map((s) => [`synonyms:${s.id}`, s.words]));
  const ownPhrases = phrasesOf(own);
  const groupOf = (concept: string): QueryGroup => {
    const words = own[concept] ?? HOTEL_GLOSSARY[concept]!;
    const joined = new Set(words.map((w) => normalizeForMatch(w)));
    for (const w of words) {
      const other = findConcept(normalizeForMatch(w), concept.startsWith('synonyms:') ? PHRASES : ownPhrases);
      if (other) for (const x of (own[other] ?? HOTEL_GLOSSARY[other] ?? [])) joined.add(normalizeForMatch(x));
    }
    return { label: concept, terms: [...joined].filter(Boolean), expanded: true };
  };
  for (const p of [...ownPhrases, ...PHRASES]) {
    const needle = p.cjk ? p.text : ` ${p.text} `;
    let at = text.indexOf(needle);
    while (at >= 0) {
      add(at, groupOf(p.concept), p.cjk ? p.text : p.text.split(' ')[0]);
      text = text.slice(0, at) + ' '.repeat(needle.length) + text.slice(at + needle.length);
      at = text.indexOf(needle);
    }
  }

  // 2. What is left: Latin words (stop words dropped, glossary looked up by stem, Malay by root)
  //    and Chinese words from the segmenter.
  for (const m of text.matchAll(WORD)) {
    const token = m[0];
    const at = m.index;
    if (hasCjk(token)) {
      for (const word of lexicon().joinChinese(cjkWords(token))) {
        if (CJK_STOP_WORDS.has(word) || [...word].every((c) => CJK_STOP.has(c))) continue;
        if ([...word].length < 2) continue;
        add(at, { label: word, terms: [word], expanded: false, ...(WEEKDAYS.has(word) ? { weak: true } : {}) }, word);
      }
      continue;
    }
    // Bare numbers say little on their own ("3 days", "2 adults") and match every price.
    if (STOPWORDS.has(token) || token.length < 2 || /^\d+$/.test(token) || /\d/.test(token) && token.length > 6) continue;
    if (/^\d{1,2}(am|pm)$/.test(token)) {
      add(at, groupOf('time'));
      continue;
    }
    const root = /^[a-z]+$/.test(token) ? malayRoot(token) : token;
    const concept = BY_STEM.get(lightStem(token)) ?? (root !== token ? BY_STEM.get(lightStem(root)) : undefined);
    if (concept) add(at, groupOf(concept), token);
    else add(at, { label: token, terms: [token], expanded: false, ...(root !== token && root.length >= 3 ? { fallbacks: [root] } : {}), ...(weak.has(token) || WEEKDAYS.has(token) ? { weak: true } : {}), ...(names.has(token) ? { name: true } : {}), ...(products.has(token) ? { product: true } : {}) }, token);
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.group);
}

/**
 * Question frames that ask whether the hotel has or does something, or what something costs; what
 * follows, up to a preposition or the clause's end, is the thing asked for. English, Malay ("ada ...
 * tak") and Chinese (有没有..., 有...吗, 提供...吗). Matched on one clause at a time, each alternative a
 * fixed run of words: linear time.
 */
const FOCUS_FRAME =
  /(?:^| )(?:(?:is|are) there(?: an?| any| some)?|(?:do|does|did) (?:you|u|ya|they|it|the (?:hotel|resort|house|rooms?|villas?|suites?))(?: guys| all)? (?:have|has|got|offer|provide|rent|hire|sell|serve|organi[sz]e|arrange|run)(?: an?| any| some)?|(?:have|has) (?:you|u) got(?: an?| any| some)?|(?:you|u) (?:guys )?(?:have|got|hv)(?: an?| any| some)?|got any|how much (?:is|are|does|do|for|would)(?: it cost(?: to| for)?)?(?: an?| the| your| one)?|(?:can|could) (?:you|u) (?:arrange|provide|organi[sz]e|rent|hire|supply)(?: an?| any| some| me| us)?|ada(?: tak| ke| x| tidak)?|adakah(?: anda| hotel)? (?:ada|menyediakan|sediakan))(?= )/;
/**
 * Where the thing asked for ends: a preposition, a word that starts a new phrase or clause, or an
 * adjective after the noun ("rooms suitable for", "a room free this Saturday"), from its second word on.
 */
const FOCUS_END = new Set(
  ('at in on for to near from with during when while if because so that which who where by around inside within nearby close of ' +
    'this next tonight tomorrow today suitable available free open ok okay like ' +
    // a pronoun or an auxiliary starts a clause of its own ("a court we could book", "a safe that is big")
    'i we you u they he she it is are was can could would will should do does ' +
    'untuk di dekat kat pada tak ke x tidak sendiri dalam kah berdekatan tu ni ka').split(' '),
);
/** A yes-or-no question about a property of something the hotel has: "is the pool heated", "are your rooms soundproof". */
const PREDICATE_FRAME = /^ (?:is|are) (?:the|your|this|that|our) (?:[a-z]+ ){1,3}([a-z]+) $/;
/** Words joining two things asked for ("a kettle and a fridge", "clinic or pharmacy"). */
const FOCUS_AND = new Set(['and', 'or', 'n', 'dan', 'atau', 'ataupun']);
/** Words that follow a frame without naming a thing ("is there anything", "do you have any idea"). */
const FOCUS_VAGUE = new Set('anything something anyone someone somewhere anywhere way chance idea possibility option options problem issue'.split(' '));
const CJK_FOCUS_FRAME = /(?:有没有|有沒有|是否有|提供|有)([^吗嗎呢？?，,。！!]{1,12})/u;

/**
 * Which words of a message name the thing it asks the hotel to have or do (QueryGroup.focus): the
 * head of each thing named after a frame, the last word in English and Chinese ("kids *club*"), any
 * in Malay, which puts the head first but is often mixed with English ("*kolam* renang", "*sijil
 * JAKIM*"). A frame followed by nothing definite names nothing.
 */
function focusOf(query: string): (word: string) => boolean {
  const heads = new Set<string>();
  // Several questions searched together ("is there a TV? how much is it a night?"): an item may
  // answer another of them, so none binds (the pipeline also searches each question alone).
  if ((query.slice(0, MAX_NAME_SCAN).match(/[?？]+/g) ?? []).length > 1) return () => false;
  for (const clause of query.slice(0, MAX_NAME_SCAN).split(/[?.!,;:()\n。？！，；：（）]+/)) {
    const latin = ` ${normalizeForMatch(clause)} `;
    const m = FOCUS_FRAME.exec(latin);
    if (m) {
      const after = latin.slice(m.index + m[0].length).trim().split(' ');
      const end = after.findIndex((w, i) => i > 0 && FOCUS_END.has(w));
      const headFirst = /^ ?(ada|adakah)\b/.test(m[0]);
      let part: string[] = [];
      const close = () => {
        const named = part.filter((w) => w && !STOPWORDS.has(w) && !/^\d+$/.test(w));
        // A Malay phrase mixed with English or a name ("sijil JAKIM") may be read either way: any of its words.
        if (named.length && !part.some((w) => FOCUS_VAGUE.has(w))) for (const w of headFirst ? named : [named.at(-1)!]) heads.add(w);
        part = [];
      };
      for (const w of end < 0 ? after : after.slice(0, end)) {
        if (FOCUS_AND.has(w)) close();
        else part.push(w);
      }
      close();
    }
    // "Is the pool heated?": an item about the pool that never says so cannot answer whether it is. Not
    // when the predicate is an aspect the item gives as a value ("is parking free?": it costs RM 15).
    const predicate = PREDICATE_FRAME.exec(latin)?.[1];
    if (predicate && !STOPWORDS.has(predicate) && !ASPECT_CONCEPTS.has(BY_STEM.get(lightStem(predicate)) ?? '')) heads.add(predicate);
    const c = CJK_FOCUS_FRAME.exec(clause);
    // The segmenter cuts a word it does not know into characters; the last real word stands for the thing.
    const words = c ? lexicon().joinChinese(cjkWords(c[1]!)).filter((w) => [...w].length > 1 && !CJK_STOP_WORDS.has(w) && ![...w].every((ch) => CJK_STOP.has(ch))) : [];
    if (words.length) heads.add(words.at(-1)!);
  }
  // A glossary phrase inside a longer Chinese head names it too (洗衣 in 洗衣机).
  return (word) => heads.has(word) || (hasCjk(word) && [...heads].some((h) => h.includes(word) || word.includes(h)));
}

/** A capitalised word (capital then small letters) preceded by a word or a comma, not by a sentence's end. */
const CAPITALISED = /^\p{Lu}\p{Ll}{2,}$/u;
const LETTERS = /[\p{L}\p{N}]+/gu;

/**
 * The words of a message written with a capital after a small letter ("eWallet", "GrabPay"): products'
 * names. One pass over the words: linear time.
 */
function productsIn(query: string): Set<string> {
  const products = new Set<string>();
  for (const [word] of query.slice(0, MAX_NAME_SCAN).matchAll(LETTERS)) if (MIXED_CASE.test(word)) products.add(normalizeForMatch(word));
  return products;
}
const MIXED_CASE = /\p{Ll}\p{Lu}/u;

/**
 * The words of a message written as names: capitalised inside a sentence, where an ordinary word
 * would be small. A guest who capitalises most of the words (a title-cased message) names nothing.
 * One pass over the words, each looking back only over the spaces before it: linear time.
 */
function namesIn(query: string): Set<string> {
  const text = query.slice(0, MAX_NAME_SCAN);
  const names = new Set<string>();
  let inside = 0;
  let capitalised = 0;
  for (const m of text.matchAll(LETTERS)) {
    let i = m.index - 1;
    while (i >= 0 && /\s/.test(text[i]!)) i--;
    if (i < 0 || /[.!?。！？\n]/.test(text[i]!)) continue;
    inside++;
    if (!CAPITALISED.test(m[0])) continue;
    capitalised++;
    names.add(normalizeForMatch(m[0]));
  }
  return capitalised * 2 > inside ? new Set() : names;
}
/** Characters of a message read for names (guest text is bounded before parsing). */
const MAX_NAME_SCAN = 4_000;

/** Lower case, contact details and pleasantries out, padded with spaces for phrase matching. */
function cleaned(query: string): string {
  // Contact details, as the rest of the server recognises them (shared/redact.ts), and links.
  const stripped = replaceEmails(query.normalize('NFKC'), () => ' ').replace(PHONE, ' ').replace(LINK, ' ');
  let text = ` ${normalizeForMatch(stripped)} `;
  for (const p of PLEASANTRIES) text = text.split(` ${p} `).join(' ');
  return text;
}

/** The words of a message that carry its topic, in order: what a learned question stores. */
export function contentWords(query: string): string[] {
  const out: string[] = [];
  for (const [token] of cleaned(query).matchAll(WORD)) {
    if (hasCjk(token)) out.push(...cjkWords(token).filter((w) => !CJK_STOP_WORDS.has(w) && ![...w].every((c) => CJK_STOP.has(c))));
    else if (!STOPWORDS.has(token) && token.length > 1 && !/\d/.test(token)) out.push(token);
  }
  return out;
}

function findConcept(text: string, phrases: GlossaryPhrase[]): string | undefined {
  return phrases.find((p) => p.text === text)?.concept;
}
