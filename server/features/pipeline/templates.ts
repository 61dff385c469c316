import type { Language } from '../leads/lead-extraction.js';

/** Fixed guest-facing texts in the guest's language. */
type Texts = {
  handoffSoon: string;
  handoffAt: (when: string) => string;
  handoffNoHours: string;
  askContact: string;
  greeting: (hotel: string) => string;
  thanks: string;
  fromKnowledge: (title: string) => string;
};

const TEXTS: Record<Language, Texts> = {
  en: {
    handoffSoon: "Thank you — I've passed your message to our front desk team and a member of staff will reply shortly.",
    handoffAt: (when) => `Thank you — I've passed your message to our front desk team. Our desk is closed right now; a member of staff will reply after ${when}.`,
    handoffNoHours: "Thank you — I've passed your message to our team and a member of staff will reply as soon as possible.",
    askContact: 'So we can get back to you, could you share a phone number or email address?',
    greeting: (hotel) => `Hello and welcome to ${hotel}! How can I help you today?`,
    thanks: "You're welcome! Is there anything else I can help you with?",
    fromKnowledge: (title) => `Here is what we have on "${title}":`,
  },
  ms: {
    handoffSoon: 'Terima kasih — mesej anda telah diserahkan kepada pasukan kaunter hadapan kami dan kakitangan kami akan membalas sebentar lagi.',
    handoffAt: (when) => `Terima kasih — mesej anda telah diserahkan kepada pasukan kaunter hadapan kami. Kaunter kami kini ditutup; kakitangan kami akan membalas selepas ${when}.`,
    handoffNoHours: 'Terima kasih — mesej anda telah diserahkan kepada pasukan kami dan kami akan membalas secepat mungkin.',
    askContact: 'Supaya kami boleh menghubungi anda, boleh kongsikan nombor telefon atau alamat e-mel?',
    greeting: (hotel) => `Hai dan selamat datang ke ${hotel}! Bagaimana saya boleh membantu anda?`,
    thanks: 'Sama-sama! Ada apa-apa lagi yang boleh saya bantu?',
    fromKnowledge: (title) => `Ini maklumat kami tentang "${title}":`,
  },
  zh: {
    handoffSoon: '谢谢！您的消息已转给我们的前台团队，工作人员会尽快回复您。',
    handoffAt: (when) => `谢谢！您的消息已转给我们的前台团队。前台目前不在服务时间，工作人员将在${when}之后回复您。`,
    handoffNoHours: '谢谢！您的消息已转给我们的团队，我们会尽快回复您。',
    askContact: '方便留下您的电话号码或电子邮箱，以便我们联系您吗？',
    greeting: (hotel) => `您好，欢迎来到${hotel}！请问有什么可以帮您？`,
    thanks: '不客气！还有什么可以帮您的吗？',
    fromKnowledge: (title) => `关于「${title}」的信息如下：`,
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
