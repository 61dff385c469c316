import { z } from 'zod';
import type { Actor } from '../../shared/actor.js';
import { canSeeProperty } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { ConversationRepository } from '../conversations/conversation.repository.js';
import { EmailThreadRepository } from '../channels/email/email-thread.repository.js';
import { contactsIn, GuestIdentifierRepository } from '../guests/guest-identifier.repository.js';
import { GuestRepository, type Guest } from '../guests/guest.repository.js';
import type { InboundQueueRepository } from '../inbound/inbound-queue.repository.js';
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

/** What an erasure removed, per hotel (counts only: the audit entry holds the same). */
interface ErasureResult {
  hotels: {
    propertyId: string;
    guests: number;
    conversations: number;
    messages: number;
    leads: number;
    emailThreads: number;
    /** Phone numbers and email addresses held for the guest (in her records, messages and leads), all gone. */
    identifiers: number;
    gapQuestions: number;
  }[];
  inboundEvents: number;
}

/**
 * Right of access and erasure for one guest (B6), found through blind indexes in every hotel the
 * requester may act for. The audit entry records counts and hotels, never the guest's details.
 */
export class PrivacyService {
  constructor(
    private readonly properties: PropertyService,
    private readonly inboundQueue: InboundQueueRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Knowledge gaps forget the questions of erased conversations. */
    private readonly gaps?: { removeConversations(scope: PropertyScope, conversationIds: readonly string[]): number },
  ) {}

  private scopes(actor: Actor): PropertyScope[] {
    return this.properties
      .list(actor)
      .filter((p) => canSeeProperty(actor, p.id))
      .map((p) => this.properties.scope(p.id));
  }

  /** Everyone the identifier leads to in one hotel: the guest, whole (see GuestIdentifierRepository.findGuest). */
  private find(scope: PropertyScope, q: GuestQuery): Guest[] {
    const guests = new GuestRepository(scope);
    return new GuestIdentifierRepository(scope)
      .findGuest(q)
      .map((id) => guests.get(id))
      .filter((g) => g !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  export(actor: Actor, query: unknown) {
    const q = parseQuery(query);
    const hotels = this.scopes(actor).flatMap((scope) => {
      const guests = this.find(scope, q);
      if (guests.length === 0) return [];
      const conversations = new ConversationRepository(scope);
      const leads = new LeadRepository(scope);
      return [
        {
          propertyId: scope.property.id,
          hotel: scope.property.name,
          guests: guests.map((g) => {
            const convIds = new GuestRepository(scope).conversationIds([g.id]);
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

  /**
   * Erases one guest, whole, found by one identifier: every guest record it leads to (with the
   * other identifiers found with it), their conversations, messages, files, leads, email threads,
   * knowledge-gap questions and queued raw events. Report figures (no personal data) stay. Deleted
   * pages are overwritten (secure_delete) and the WAL emptied. Audited with counts only.
   */
  erase(actor: Actor, query: unknown): ErasureResult {
    const q = parseQuery(query);
    const result: ErasureResult['hotels'] = [];
    const plaintext = { phones: new Set<string>(q.phone ? [q.phone] : []), emails: new Set<string>(q.email ? [q.email] : []) };
    for (const scope of this.scopes(actor)) {
      const guests = this.find(scope, q);
      if (guests.length === 0) continue;
      const ids = guests.map((g) => g.id);
      const repo = new GuestRepository(scope);
      const conversationIds = repo.conversationIds(ids);
      // What else identifies her, in plain text, to find her in queued raw events.
      for (const g of guests) {
        if (g.phone) plaintext.phones.add(g.phone);
        if (g.email) plaintext.emails.add(g.email);
      }
      const conversations = new ConversationRepository(scope);
      const leads = new LeadRepository(scope);
      for (const id of conversationIds) {
        const lead = leads.byConversation(id);
        if (lead?.details.phone) plaintext.phones.add(lead.details.phone);
        if (lead?.details.email) plaintext.emails.add(lead.details.email);
        for (const m of conversations.messages(id)) {
          if (m.role !== 'guest') continue;
          const found = contactsIn(m.body);
          found.phones.forEach((p) => plaintext.phones.add(p));
          found.emails.forEach((e) => plaintext.emails.add(e));
        }
      }
      const identifiers = new GuestIdentifierRepository(scope).keysOf(ids).length;
      const gapQuestions = this.gaps?.removeConversations(scope, conversationIds) ?? 0;
      const counts = scope.transaction(() => {
        const c = {
          guests: guests.length,
          conversations: conversationIds.length,
          ...repo.holdings(ids),
          emailThreads: new EmailThreadRepository(scope).forgetConversations(conversationIds, (key) => scope.blindIndex.token('thread:email', key)),
          identifiers,
          gapQuestions,
        };
        for (const id of ids) repo.delete(id); // conversations, messages, files, leads, outbox rows and identifiers go with it (foreign keys)
        return c;
      });
      scope.checkpoint();
      result.push({ propertyId: scope.property.id, ...counts });
    }
    const inboundEvents = this.eraseQueuedEvents(actor, plaintext);
    if (result.length === 0 && inboundEvents === 0) throw new NotFoundError('No guest with these details in the hotels you can act for');
    this.audit.record(actor, { action: 'privacy.erase', target: 'guest', after: { hotels: result, inboundEvents } });
    this.log.info({ hotels: result.length }, 'guest erased');
    return { hotels: result, inboundEvents };
  }

  /** Raw webhook payloads still queued (not yet processed) that mention any of the guest's identifiers. */
  private eraseQueuedEvents(actor: Actor, ids: { phones: Set<string>; emails: Set<string> }): number {
    const phones = [...ids.phones].map(normalizePhone).filter((p) => p.length >= 6);
    const emails = [...ids.emails].map(normalizeEmail);
    let erased = 0;
    for (const scope of this.scopes(actor)) {
      for (const id of this.inboundQueue.withPayload(scope.property.id)) {
        const payload = this.inboundQueue.payload(id, scope.cipher);
        if (!payload) continue;
        const digits = payload.replace(/\D/g, '');
        const lower = payload.toLowerCase();
        if (phones.some((p) => digits.includes(p)) || emails.some((e) => lower.includes(e))) {
          this.inboundQueue.erasePayload(id);
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
