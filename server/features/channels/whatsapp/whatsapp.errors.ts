/**
 * Graph API error codes (REFERENCE.md §1.8) as decisions: back off and retry, or stop and tell
 * staff what to do. Messages are for staff (they show on dead letters); they never hold secrets.
 */
interface GraphErrorDecision {
  retryable: boolean;
  retryAfterMs?: number;
  message: string;
}

export const REENGAGEMENT_CODE = 131047;

const WINDOW_CLOSED =
  'the 24-hour WhatsApp window has closed (the guest last wrote more than 24 hours ago), so WhatsApp only accepts a pre-approved template. ' +
  'Set a template name in the WhatsApp channel settings, or contact the guest another way; the window opens again when the guest writes.';

export function windowClosedMessage(): string {
  return `Not sent: ${WINDOW_CLOSED}`;
}

export function explainGraphError(code: number | undefined, httpStatus: number, detail: string): GraphErrorDecision {
  const tail = detail ? ` (${detail})` : '';
  switch (code) {
    case REENGAGEMENT_CODE:
      return { retryable: false, message: `Not delivered: ${WINDOW_CLOSED}` };
    case 130429:
      return { retryable: true, retryAfterMs: 5_000, message: `WhatsApp throughput limit reached (130429); retrying later${tail}` };
    case 131056:
      return { retryable: true, retryAfterMs: 60_000, message: `Too many messages to this guest in a short time (131056); retrying later${tail}` };
    case 80007:
    case 4:
      return { retryable: true, retryAfterMs: 60_000, message: `WhatsApp API rate limit reached (${code}); retrying later${tail}` };
    case 1:
    case 2:
    case 131000:
    case 131016:
      return { retryable: true, message: `WhatsApp is temporarily unavailable (${code}); retrying${tail}` };
    case 190:
      return {
        retryable: false,
        message: 'The WhatsApp access token has expired or was revoked (190). Create a new (permanent system-user) token in Meta Business settings, save it in the WhatsApp channel settings, then retry this message.',
      };
    case 131031:
      return { retryable: false, message: `Meta has locked or restricted this WhatsApp Business account (131031). Check the account in Meta Business Manager, then retry this message${tail}.` };
    case 10:
    case 200:
      return { retryable: false, message: `The WhatsApp access token lacks the whatsapp_business_messaging permission (${code}). Grant it in Meta Business settings, then retry${tail}.` };
    case 131026:
      return { retryable: false, message: `WhatsApp cannot deliver to this guest (131026): the number may not be on WhatsApp, or the app is too old${tail}.` };
    case 131048:
      return { retryable: false, message: `WhatsApp stopped sending because too many messages were blocked or reported as spam (131048). Check the number's quality rating in Meta Business Manager${tail}.` };
    case 131049:
      return { retryable: false, message: `WhatsApp held the message back to protect engagement (131049); try again in 24 hours${tail}.` };
    case 131050:
      return { retryable: false, message: `The guest has opted out of marketing messages on WhatsApp (131050)${tail}.` };
    case 100:
      return { retryable: false, message: `WhatsApp rejected the request as invalid (100)${tail}. Check the phone number id and template settings.` };
    default:
      if (httpStatus === 429) return { retryable: true, message: `WhatsApp asked us to slow down (429)${tail}` };
      if (httpStatus >= 500) return { retryable: true, message: `WhatsApp answered ${httpStatus}; retrying${tail}` };
      return { retryable: false, message: `WhatsApp refused the message (HTTP ${httpStatus}${code !== undefined ? `, code ${code}` : ''})${tail}` };
  }
}
