import { writeFileSync } from 'node:fs';
import type { Actor } from '../../shared/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { ConversationRepository } from '../conversations/conversation.repository.js';
import { GuestRepository } from '../guests/guest.repository.js';
import type { InboundQueue } from '../inbound/inbound-queue.service.js';
import { KnowledgeRepository } from '../knowledge/knowledge.repository.js';
import { LeadRepository } from '../leads/lead.repository.js';
import type { PropertyService } from '../properties/property.service.js';
import type { KeyVault } from '../vault/key-vault.js';

/**
 * Offboarding a hotel: write everything it holds to an export file, then crypto-shred it — its
 * data key is destroyed (so any copy of its database, in a backup too, can no longer be read) and
 * its database file removed.
 */
export function offboardProperty(
  deps: { properties: PropertyService; inboundQueue: Pick<InboundQueue, 'forgetProperty'>; vault: KeyVault; audit: AuditService },
  idOrSlug: string,
  exportFile: string,
  actor: Actor,
): { propertyId: string; exported: { conversations: number; leads: number; guests: number } } {
  const scope = deps.properties.scope(idOrSlug);
  const conversations = new ConversationRepository(scope);
  const guests = new GuestRepository(scope);
  const ids = conversations.allIds();
  const guestIds = guests.allIds();
  const leads = new LeadRepository(scope).list({ limit: 1_000_000 });
  const data = {
    hotel: scope.property,
    exportedAt: new Date().toISOString(),
    guests: guestIds.map((id) => guests.get(id)),
    conversations: ids.map((id) => ({ ...conversations.get(id), reply_to_enc: undefined, messages: conversations.messages(id), notes: conversations.notes(id) })),
    leads,
    knowledge: new KnowledgeRepository(scope).exportRows(),
  };
  writeFileSync(exportFile, JSON.stringify(data, null, 2), { mode: 0o600 });
  const propertyId = scope.property.id;
  deps.properties.remove(propertyId, () => {
    deps.vault.destroyPropertyKeys(propertyId);
    deps.inboundQueue.forgetProperty(propertyId);
  });
  const exported = { conversations: ids.length, leads: leads.length, guests: guestIds.length };
  deps.audit.record(actor, { action: 'property.offboard', target: `property:${propertyId}`, after: { exported, keysDestroyed: true } });
  return { propertyId, exported };
}
