import { UpdateLead, type Lead } from '../../contract/conversations.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { EventBus } from '../../shared/events.js';
import { parseInput } from '../../shared/validation.js';
import type { AuditService } from '../audit/audit.service.js';
import { checkLeadTransition } from '../conversations/conversation-state.js';
import type { PropertyScope } from '../properties/property.service.js';
import { LeadRepository, type LeadFilter } from './lead.repository.js';

function cursorOf(l: Lead): string {
  return Buffer.from(JSON.stringify([l.createdAt, l.id])).toString('base64url');
}

function parseCursor(c: string | undefined): LeadFilter['cursor'] {
  if (!c) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [string, string];
    return { createdAt, id };
  } catch {
    throw new ValidationError('The page cursor is not valid');
  }
}

/** Leads: list, read, and status changes along the documented state machine (C7, E11). */
export class LeadService {
  constructor(
    private readonly audit: AuditService,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  list(scope: PropertyScope, q: Omit<LeadFilter, 'cursor'> & { cursor?: string | undefined }): { items: Lead[]; nextCursor: string | null } {
    const items = new LeadRepository(scope).list({ ...q, cursor: parseCursor(q.cursor) });
    const last = items.at(-1);
    return { items, nextCursor: items.length === q.limit && last ? cursorOf(last) : null };
  }

  /** Re-reads every lead's contact details to decide which are leads (`nocturn report rebuild`). */
  requalify(scope: PropertyScope): number {
    return new LeadRepository(scope).requalify();
  }

  get(scope: PropertyScope, id: string): Lead {
    const lead = new LeadRepository(scope).get(id);
    if (!lead) throw new NotFoundError('No such lead');
    return lead;
  }

  update(scope: PropertyScope, id: string, input: unknown, actor: Actor): Lead {
    const patch = parseInput(UpdateLead, input, 'The lead update');
    const repo = new LeadRepository(scope);
    const at = this.clock.now().toISOString();
    const saved = scope.transaction(() => {
      const lead = this.get(scope, id);
      const status = patch.status ?? lead.status;
      checkLeadTransition(lead.status, status);
      const bookingValue = patch.bookingValue ?? lead.bookingValue;
      if (status === 'converted' && bookingValue == null) {
        throw new ValidationError('A converted lead needs its booking value', [{ path: 'bookingValue', message: 'required when converting' }]);
      }
      const next: Lead = {
        ...lead,
        status,
        intent: patch.intent ?? lead.intent,
        bookingValue,
        lostReason: status === 'lost' ? (patch.lostReason ?? lead.lostReason) : null,
        convertedAt: status === 'converted' ? (lead.convertedAt ?? at) : null,
        details: patch.notes !== undefined ? { ...lead.details, notes: patch.notes } : lead.details,
      };
      const result = repo.save(next, at);
      this.audit.record(actor, {
        action: 'lead.update',
        target: `lead:${id}`,
        propertyId: scope.property.id,
        before: { status: lead.status, bookingValue: lead.bookingValue, intent: lead.intent },
        after: { status: next.status, bookingValue: next.bookingValue, intent: next.intent, lostReason: next.lostReason },
      });
      return result;
    });
    this.events.emit({ type: 'lead.updated', propertyId: scope.property.id, leadId: id, conversationId: saved.conversationId, status: saved.status, at });
    return saved;
  }
}
