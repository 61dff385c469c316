import { NotFoundError } from '../../../shared/errors.js';
import type { ChannelBindingService } from '../channel-binding.service.js';
import { providerGet, type CredentialProbe } from '../channel-check.service.js';
import type { WhatsAppSecrets } from './whatsapp.schemas.js';

/** WhatsApp's credentials check: reads the phone number with the access token (Graph API `GET /{phone-number-id}`). */
export function whatsAppCredentialProbe(deps: { channels: ChannelBindingService; apiBase: string }): CredentialProbe {
  return async (propertyId) => {
    const binding = deps.channels.get<WhatsAppSecrets>(propertyId, 'whatsapp');
    if (!binding) throw new NotFoundError('WhatsApp is not set up for this hotel');
    const url = `${deps.apiBase}/${encodeURIComponent(binding.routingKey)}?fields=display_phone_number,verified_name`;
    const answer = await providerGet('WhatsApp', url, { authorization: `Bearer ${binding.secrets.accessToken}` });
    if ('state' in answer) return answer;
    const body = answer.json as { display_phone_number?: unknown; verified_name?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
    if (answer.status === 200 && body && typeof body.display_phone_number === 'string') {
      const name = typeof body.verified_name === 'string' ? ` (${body.verified_name})` : '';
      return { state: 'connected', detail: `WhatsApp answers for ${body.display_phone_number}${name}.` };
    }
    const code = typeof body?.error?.code === 'number' ? body.error.code : undefined;
    // 190: bad or expired token; 100 on this path: the token cannot see that phone number id.
    if (answer.status === 401 || answer.status === 403 || code === 190 || code === 100 || code === 10 || code === 200) {
      return { state: 'rejected', detail: `WhatsApp refused the access token for phone number id ${binding.routingKey}${typeof body?.error?.message === 'string' ? `: ${body.error.message.slice(0, 160)}` : ''}.` };
    }
    return { state: 'unreachable', detail: `WhatsApp answered ${answer.status}; try again later.` };
  };
}
