import { connectionOf } from '../../../db/handle.js';
import type { Db } from '../../../db/sqlite.js';
import type { PropertyScope } from '../../properties/property.service.js';
import { storedProviderId } from '../../vault/provider-ids.js';

interface DeliveryTarget {
  outboxId: string;
  outboxStatus: string;
  conversationId: string | null;
  messageId: string | null;
  deliveryStatus: string | null;
}

/**
 * The one query WhatsApp needs beyond the outbox and conversation repositories: which outbound
 * message a status webhook is about, by the wamid the Graph API returned (unique partial index
 * `outbox_provider_message`).
 */
export class WhatsAppRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'blindIndex'>) {
    this.db = connectionOf(scope);
  }

  static readonly DELIVERY_TARGET_SQL = `
    select o.id as outboxId, o.status as outboxStatus, o.conversation_id as conversationId, o.message_id as messageId, m.delivery_status as deliveryStatus
    from outbox o left join messages m on m.id = o.message_id
    where o.provider_message_id = ?`;

  deliveryTarget(wamid: string): DeliveryTarget | undefined {
    return this.db.prepare(WhatsAppRepository.DELIVERY_TARGET_SQL).get(storedProviderId(this.scope.blindIndex, wamid)) as DeliveryTarget | undefined;
  }
}
