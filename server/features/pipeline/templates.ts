import type { Language } from '../leads/lead-extraction.js';

/** Fixed guest-facing texts in the guest's language. */
type Texts = {
  handoffSoon: string;
  handoffAt: (when: string) => string;
  handoffNoHours: string;
  askContact: string;
  greeting: (hotel: string) => string;
  thanks: string;
  passedOn: (questions: string) => string;
  bookingReceived: string;
};

const TEXTS: Record<Language, Texts> = {
  en: {
    handoffSoon: "Thank you — I've passed your message to our front desk team and a member of staff will reply shortly.",
    handoffAt: (when) => `Thank you — I've passed your message to our front desk team. Our desk is closed right now; a member of staff will reply after ${when}.`,
    handoffNoHours: "Thank you — I've passed your message to our team and a member of staff will reply as soon as possible.",
    askContact: 'So we can get back to you, could you share a phone number or email address?',
    greeting: (hotel) => `Hello and welcome to ${hotel}! How can I help you today?`,
    thanks: "You're welcome! Is there anything else I can help you with?",
    passedOn: (q) => `I don't have the answer to ${q} here, so I've passed it to our front desk team.`,
    bookingReceived: 'Thank you for your booking request. Our reservations team will check availability and the rate and confirm with you; nothing is booked until they do.',
  },
  ms: {
    handoffSoon: 'Terima kasih — mesej anda telah diserahkan kepada pasukan kaunter hadapan kami dan kakitangan kami akan membalas sebentar lagi.',
    handoffAt: (when) => `Terima kasih — mesej anda telah diserahkan kepada pasukan kaunter hadapan kami. Kaunter kami kini ditutup; kakitangan kami akan membalas selepas ${when}.`,
    handoffNoHours: 'Terima kasih — mesej anda telah diserahkan kepada pasukan kami dan kami akan membalas secepat mungkin.',
    askContact: 'Supaya kami boleh menghubungi anda, boleh kongsikan nombor telefon atau alamat e-mel?',
    greeting: (hotel) => `Hai dan selamat datang ke ${hotel}! Bagaimana saya boleh membantu anda?`,
    thanks: 'Sama-sama! Ada apa-apa lagi yang boleh saya bantu?',
    passedOn: (q) => `Saya tiada jawapan untuk ${q} di sini, jadi soalan itu telah diserahkan kepada kaunter hadapan kami.`,
    bookingReceived: 'Terima kasih atas permintaan tempahan anda. Pasukan tempahan kami akan menyemak kekosongan dan harga lalu mengesahkannya dengan anda; tiada apa yang ditempah sehingga itu.',
  },
  zh: {
    handoffSoon: '谢谢！您的消息已转给我们的前台团队，工作人员会尽快回复您。',
    handoffAt: (when) => `谢谢！您的消息已转给我们的前台团队。前台目前不在服务时间，工作人员将在${when}之后回复您。`,
    handoffNoHours: '谢谢！您的消息已转给我们的团队，我们会尽快回复您。',
    askContact: '方便留下您的电话号码或电子邮箱，以便我们联系您吗？',
    greeting: (hotel) => `您好，欢迎来到${hotel}！请问有什么可以帮您？`,
    thanks: '不客气！还有什么可以帮您的吗？',
    passedOn: (q) => `关于${q}，我这里没有答案，已转给前台团队。`,
    bookingReceived: '感谢您的预订请求。我们的预订团队会查询空房和价格并与您确认；在确认之前，预订尚未生效。',
  },
};

export function texts(lang: Language): Texts {
  return TEXTS[lang];
}

const LOCALES: Record<Language, string> = { en: 'en-GB', ms: 'ms-MY', zh: 'zh-CN' };

/** "8:00 AM on Saturday 22 November" in the hotel's zone and the guest's language. */
export function formatOpening(at: Date, timeZone: string, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit' }).format(at);
}
