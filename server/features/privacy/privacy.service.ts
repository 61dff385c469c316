import { z } from 'zod';
import type { Actor } from '../../shared/actor.js';
import { canSeeProperty } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { ConversationRepository } from '../conversations/conversation.repository.js';
import { GuestRepository } from '../guests/guest.repository.js';
import type { InboxRepository } from '../inbox/inbox.repository.js';
import { LeadRepository } from '../leads/lead.repository.js';
import type { PropertyScope, PropertyService } from '../properties/property.service.js';
import { normalizeEmail, normalizePhone } from '../vault/field-crypto.js';

export const GuestQuery = z
  .object({ phone: z.string().trim().min(6).max(40).optional(), email: z.string().trim().email().max(254).optional() })
  .strict()
  .refine((q) => q.phone || q.email, { message: 'give a phone number or an email address' });
export type GuestQuery = z.infer<typeof GuestQuery>;

function parseQuery(q: unknown): GuestQuery {
  const r = GuestQuery.safeParse(q);
  if (!r.success) throw new ValidationError('Give the guest’s phone number or email address', r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}

/**
 * Right of access and erasure for one guest (B6), found through blind indexes in every hotel the
 * requester may act for. The audit entry records counts and hotels, never the guest's details.
 */
export class PrivacyService {
  constructor(
    private readonly properties: PropertyService,
    private readonly inbox: InboxRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private scopes(actor: Actor): PropertyScope[] {
    return this.properties
      .list(actor)
      .filter((p) => canSeeProperty(actor, p.id))
      .map((p) => this.properties.scope(p.id));
  }

  export(actor: Actor, query: unknown) {
    const q = parseQuery(query);
    const hotels = this.scopes(actor).flatMap((scope) => {
      const guests = new GuestRepository(scope).findAll(q);
      if (guests.length === 0) return [];
      const conversations = new ConversationRepository(scope);
      const leads = new LeadRepository(scope);
      return [
        {
          propertyId: scope.property.id,
          hotel: scope.property.name,
          guests: guests.map((g) => {
            const convIds = (scope.db.prepare('select id from conversations where guest_id = ? order by created_at').all(g.id) as { id: string }[]).map((r) => r.id);
            return {
              guest: g,
              consent: new GuestRepository(scope).optOutRecord(g.id),
              conversations: convIds.map((id) => {
                const row = conversations.get(id)!;
                const messages = conversations.messages(id).map((m) => {
                  // Files the guest sent are theirs too: included whole, base64-encoded.
                  const file = m.media ? conversations.media(id, m.id) : undefined;
                  return { role: m.role, body: m.body, createdAt: m.createdAt, ...(file ? { file: { mimeType: file.mimeType, base64: file.bytes.toString('base64') } } : {}) };
                });
                // Staff notes about the guest are part of what the hotel holds about them (GDPR art. 15).
                const notes = conversations.notes(id).map((n) => ({ body: n.body, createdAt: n.createdAt }));
                return { id, channel: row.channel, status: row.status, createdAt: row.created_at, messages, notes };
              }),
              leads: convIds.map((id) => leads.byConversation(id)).filter((l) => l !== undefined),
            };
          }),
        },
      ];
    });
    const counts = hotels.map((h) => ({ propertyId: h.propertyId, guests: h.guests.length, conversations: h.guests.reduce((n, g) => n + g.conversations.length, 0) }));
    this.audit.record(actor, { action: 'privacy.export', target: 'guest', after: { hotels: counts } });
    return { generatedAt: this.clock.now().toISOString(), hotels };
  }

  /** Deletes the guest's records, conversations, messages, leads and queued raw events. Aggregates stay. */
  erase(actor: Actor, query: unknown): { hotels: { propertyId: string; guests: number; conversations: number; messages: number; leads: number }[]; inboxEvents: number } {
    const q = parseQuery(query);
    const result: { propertyId: string; guests: number; conversations: number; messages: number; leads: number }[] = [];
    for (const scope of this.scopes(actor)) {
      const repo = new GuestRepository(scope);
      const guests = repo.findAll(q);
      if (guests.length === 0) continue;
      const counts = scope.db.transaction(() => {
        let conversations = 0;
        let messages = 0;
        let leads = 0;
        for (const g of guests) {
          const c = scope.db.prepare('select count(*) as n from conversations where guest_id = ?').get(g.id) as { n: number };
          const m = scope.db.prepare('select count(*) as n from messages where conversation_id in (select id from conversations where guest_id = ?)').get(g.id) as { n: number };
          const l = scope.db.prepare('select count(*) as n from leads where guest_id = ?').get(g.id) as { n: number };
          conversations += c.n;
          messages += m.n;
          leads += l.n;
          repo.delete(g.id); // conversations, messages, leads and outbox rows go with it (foreign keys)
        }
        return { guests: guests.length, conversations, messages, leads };
      })();
      scope.db.pragma('wal_checkpoint(TRUNCATE)');
      result.push({ propertyId: scope.property.id, ...counts });
    }
    const inboxEvents = this.eraseQueuedEvents(actor, q);
    if (result.length === 0 && inboxEvents === 0) throw new NotFoundError('No guest with these details in the hotels you can act for');
    this.audit.record(actor, { action: 'privacy.erase', target: 'guest', after: { hotels: result, inboxEvents } });
    this.log.info({ hotels: result.length }, 'guest erased');
    return { hotels: result, inboxEvents };
  }

  /** Raw webhook payloads still queued (not yet processed) that mention the guest. */
  private eraseQueuedEvents(actor: Actor, q: GuestQuery): number {
    const phone = q.phone ? normalizePhone(q.phone) : null;
    const email = q.email ? normalizeEmail(q.email) : null;
    let erased = 0;
    for (const scope of this.scopes(actor)) {
      for (const id of this.inbox.withPayload(scope.property.id)) {
        const payload = this.inbox.payload(id, scope.cipher);
        if (!payload) continue;
        const digits = payload.replace(/\D/g, '');
        if ((phone && digits.includes(phone)) || (email && payload.toLowerCase().includes(email))) {
          this.inbox.erasePayload(id);
          erased++;
        }
      }
    }
    return erased;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A readable version of the export for the guest. */
/** A file the guest sent, inside the page (pictures and recordings play there; anything else downloads). */
function fileHtml(file: { mimeType: string; base64: string }): string {
  const src = `data:${escapeHtml(file.mimeType)};base64,${file.base64}`;
  if (/^image\/(jpeg|png|webp|gif)$/.test(file.mimeType)) return `<br><img alt="Picture you sent" src="${src}" style="max-width:20rem">`;
  if (file.mimeType.startsWith('audio/')) return `<br><audio controls src="${src}"></audio>`;
  return ` <a download href="${src}">Download the file you sent (${escapeHtml(file.mimeType)})</a>`;
}

export function exportHtml(data: ReturnType<PrivacyService['export']>): string {
  const parts = [`<!doctype html><html><head><meta charset="utf-8"><title>Your data</title></head><body><h1>Data held about you</h1><p>Generated ${escapeHtml(data.generatedAt)}</p>`];
  for (const h of data.hotels) {
    parts.push(`<h2>${escapeHtml(h.hotel)}</h2>`);
    for (const g of h.guests) {
      parts.push(`<h3>Contact details</h3><ul><li>Name: ${escapeHtml(g.guest.name ?? '—')}</li><li>Phone: ${escapeHtml(g.guest.phone ?? '—')}</li><li>Email: ${escapeHtml(g.guest.email ?? '—')}</li><li>Opted out of messages: ${escapeHtml(g.consent.optedOutAt ?? 'no')}</li></ul>`);
      for (const c of g.conversations) {
        parts.push(`<h3>Conversation on ${escapeHtml(c.channel)} (${escapeHtml(c.createdAt)})</h3><ol>`);
        for (const m of c.messages) parts.push(`<li><strong>${escapeHtml(m.role)}</strong> ${escapeHtml(m.createdAt)}: ${escapeHtml(m.body)}${'file' in m && m.file ? fileHtml(m.file) : ''}</li>`);
        parts.push('</ol>');
        if (c.notes.length) {
          parts.push('<h4>Staff notes</h4><ul>');
          for (const n of c.notes) parts.push(`<li>${escapeHtml(n.createdAt)}: ${escapeHtml(n.body)}</li>`);
          parts.push('</ul>');
        }
      }
      for (const l of g.leads) parts.push(`<h3>Inquiry</h3><pre>${escapeHtml(JSON.stringify({ intent: l.intent, status: l.status, details: l.details }, null, 2))}</pre>`);
    }
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
