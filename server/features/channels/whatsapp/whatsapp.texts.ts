import type { Language } from '../../leads/lead-extraction.js';

/** Acknowledgements for messages the assistant cannot read (opt-out confirmations are the policy's, in ../opt-out.ts). */
export type Acknowledgement = 'voice' | 'media' | 'location' | 'contacts' | 'unsupported';

interface WhatsAppTexts {
  ack: Record<Acknowledgement, string>;
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
  },
  ms: {
    ack: {
      voice: 'Maaf, kami tidak dapat mendengar mesej suara di sini. Kakitangan kami akan menghubungi anda; jika segera, sila taip soalan anda.',
      media: 'Terima kasih. Kami tidak dapat membuka gambar, video atau fail di sini, jadi kakitangan kami akan menyemaknya dan membalas. Anda juga boleh menaip soalan anda.',
      location: 'Terima kasih kerana berkongsi lokasi anda. Beritahu kami bagaimana kami boleh membantu, contohnya arah ke hotel.',
      contacts: 'Terima kasih atas butiran hubungan; kami telah mencatatnya.',
      unsupported: 'Maaf, kami tidak dapat membuka mesej itu. Boleh hantar sebagai teks?',
    },
  },
  zh: {
    ack: {
      voice: '抱歉，我们无法在此收听语音消息。我们的工作人员会跟进；如有急事，请直接输入您的问题。',
      media: '谢谢。我们无法在此打开图片、视频或文件，工作人员会查看后回复您。您也可以直接输入问题。',
      location: '感谢您分享位置。请告诉我们需要什么帮助，例如前往酒店的路线。',
      contacts: '感谢您提供联系方式，我们已记录。',
      unsupported: '抱歉，我们无法打开这条消息。能否以文字发送？',
    },
  },
};

export function whatsAppTexts(lang: Language): WhatsAppTexts {
  return TEXTS[lang];
}
