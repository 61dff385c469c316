import { rmSync, writeFileSync } from 'node:fs';
import type { Databases } from '../../db/databases.js';
import type { Actor } from '../../shared/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { ConversationRepository } from '../conversations/conversation.repository.js';
import { GuestRepository } from '../guests/guest.repository.js';
import { LeadRepository } from '../leads/lead.repository.js';
import type { PropertyService } from '../properties/property.service.js';
import type { KeyVault } from '../vault/key-vault.js';

/**
 * Offboarding a hotel: write everything it holds to an export file, then crypto-shred it — its
 * data key is destroyed (so any copy of its database, in a backup too, can no longer be read) and
 * its database file removed.
 */
export function offboardProperty(
  deps: { properties: PropertyService; databases: Databases; vault: KeyVault; audit: AuditService },
  idOrSlug: string,
  exportFile: string,
  actor: Actor,
): { propertyId: string; exported: { conversations: number; leads: number; guests: number } } {
  const scope = deps.properties.scope(idOrSlug);
  const conversations = new ConversationRepository(scope);
  const guests = new GuestRepository(scope);
  const ids = (scope.db.prepare('select id from conversations order by created_at').all() as { id: string }[]).map((r) => r.id);
  const guestIds = (scope.db.prepare('select id from guests').all() as { id: string }[]).map((r) => r.id);
  const leads = new LeadRepository(scope).list({ limit: 1_000_000 });
  const data = {
    hotel: scope.property,
    exportedAt: new Date().toISOString(),
    guests: guestIds.map((id) => guests.get(id)),
    conversations: ids.map((id) => ({ ...conversations.get(id), reply_to_enc: undefined, messages: conversations.messages(id), notes: conversations.notes(id) })),
    leads,
    knowledge: scope.db.prepare('select * from knowledge_items').all(),
  };
  writeFileSync(exportFile, JSON.stringify(data, null, 2), { mode: 0o600 });
  const propertyId = scope.property.id;
  deps.databases.closeProperty(propertyId);
  deps.databases.group.transaction(() => {
    deps.databases.group.prepare('delete from property_keys where property_id = ?').run(propertyId);
    deps.databases.group.prepare('delete from inbox_events where property_id = ?').run(propertyId);
    deps.databases.group.prepare('delete from properties where id = ?').run(propertyId);
  })();
  deps.vault.forget(propertyId);
  const file = deps.databases.propertyFile(propertyId);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const exported = { conversations: ids.length, leads: leads.length, guests: guestIds.length };
  deps.audit.record(actor, { action: 'property.offboard', target: `property:${propertyId}`, after: { exported, keysDestroyed: true } });
  return { propertyId, exported };
}
