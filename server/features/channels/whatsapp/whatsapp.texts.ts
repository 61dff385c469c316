import type { Language } from '../../leads/lead-extraction.js';
import { MAX_KEYWORD_MESSAGE } from '../opt-out.js';

/** Acknowledgements for messages the assistant cannot read, and opt-out confirmations. */
export type Acknowledgement = 'voice' | 'media' | 'location' | 'contacts' | 'unsupported';

interface WhatsAppTexts {
  ack: Record<Acknowledgement, string>;
  optedOut: (hotel: string) => string;
  optedIn: (hotel: string) => string;
}

const TEXTS: Record<Language, WhatsAppTexts> = {
  en: {
    ack: {
      voice: "Sorry, we can't listen to voice messages here. A member of our team will follow up with you; if it's urgent, please type your question.",
      media: "Thank you for sending this. We can't open photos, videos or files here, so a member of our team will take a look and reply. You're welcome to type your question too.",
      location: 'Thank you for sharing your location. Let us know how we can help, for example with directions to the hotel.',
      contacts: "Thank you for the contact details; we've noted them.",
      unsupported: "Sorry, we couldn't open that message. Could you send it as text?",
    },
    optedOut: (hotel) => `You're unsubscribed and won't receive further WhatsApp messages from ${hotel}. Reply START to subscribe again.`,
    optedIn: (hotel) => `Welcome back: you'll receive WhatsApp replies from ${hotel} again.`,
  },
  ms: {
    ack: {
      voice: 'Maaf, kami tidak dapat mendengar mesej suara di sini. Kakitangan kami akan menghubungi anda; jika segera, sila taip soalan anda.',
      media: 'Terima kasih. Kami tidak dapat membuka gambar, video atau fail di sini, jadi kakitangan kami akan menyemaknya dan membalas. Anda juga boleh menaip soalan anda.',
      location: 'Terima kasih kerana berkongsi lokasi anda. Beritahu kami bagaimana kami boleh membantu, contohnya arah ke hotel.',
      contacts: 'Terima kasih atas butiran hubungan; kami telah mencatatnya.',
      unsupported: 'Maaf, kami tidak dapat membuka mesej itu. Boleh hantar sebagai teks?',
    },
    optedOut: (hotel) => `Anda telah berhenti melanggan dan tidak akan menerima mesej WhatsApp lagi daripada ${hotel}. Balas MULA untuk melanggan semula.`,
    optedIn: (hotel) => `Selamat kembali: anda akan menerima balasan WhatsApp daripada ${hotel} semula.`,
  },
  zh: {
    ack: {
      voice: '抱歉，我们无法在此收听语音消息。我们的工作人员会跟进；如有急事，请直接输入您的问题。',
      media: '谢谢。我们无法在此打开图片、视频或文件，工作人员会查看后回复您。您也可以直接输入问题。',
      location: '感谢您分享位置。请告诉我们需要什么帮助，例如前往酒店的路线。',
      contacts: '感谢您提供联系方式，我们已记录。',
      unsupported: '抱歉，我们无法打开这条消息。能否以文字发送？',
    },
    optedOut: (hotel) => `您已退订，将不再收到${hotel}的 WhatsApp 消息。回复“订阅”可重新订阅。`,
    optedIn: (hotel) => `欢迎回来，您将重新收到${hotel}的 WhatsApp 回复。`,
  },
};

export function whatsAppTexts(lang: Language): WhatsAppTexts {
  return TEXTS[lang];
}

const OPT_OUT: Record<string, Language> = {
  stop: 'en',
  'stop all': 'en',
  stopall: 'en',
  'stop promotions': 'en',
  unsubscribe: 'en',
  'opt out': 'en',
  'opt-out': 'en',
  optout: 'en',
  berhenti: 'ms',
  'berhenti langganan': 'ms',
  henti: 'ms',
  退订: 'zh',
  取消订阅: 'zh',
  停止: 'zh',
  停止订阅: 'zh',
};

const OPT_IN: Record<string, Language> = { start: 'en', unstop: 'en', subscribe: 'en', mula: 'ms', langgan: 'ms', 订阅: 'zh', 重新订阅: 'zh' };

/**
 * A whole message that is an opt-out (STOP, UNSUBSCRIBE, BERHENTI, 退订 ...) or an opt-in (START)
 * keyword, in the guest's language. Only the whole message counts: "stop by at 5pm?" is a question.
 */
export function optKeyword(text: string): { kind: 'opt_out' | 'opt_in'; language: Language } | null {
  if (text.length > MAX_KEYWORD_MESSAGE) return null;
  const n = text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.!。！]+$/u, '');
  if (n.length > 40) return null;
  const out = OPT_OUT[n];
  if (out) return { kind: 'opt_out', language: out };
  const inn = OPT_IN[n];
  return inn ? { kind: 'opt_in', language: inn } : null;
}
