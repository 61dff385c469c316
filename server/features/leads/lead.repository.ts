import { connectionOf } from '../../db/handle.js';
import type { Channel, Lead, LeadDetails, LeadKind, LeadStatus } from '../../contract/conversations.js';
import { prepared, type Db } from '../../db/sqlite.js';
import type { PropertyScope } from '../properties/property.service.js';
import { newId } from '../../shared/ids.js';
import type { Intent } from './lead-extraction.js';

interface LeadRow {
  id: string;
  conversation_id: string;
  guest_id: string;
  intent: Intent;
  status: LeadStatus;
  details_enc: Buffer;
  source_channel: Channel;
  after_hours: number;
  booking_value: number | null;
  lost_reason: string | null;
  converted_at: string | null;
  is_lead: number;
  created_at: string;
  updated_at: string;
}

/**
 * Whether the details give a way to reach the guest other than the channel they wrote on (an
 * email from a WhatsApp guest, a phone from an email guest, either from the website chat).
 */
export function contactGiven(details: Pick<LeadDetails, 'phone' | 'email'>, channel: Channel): boolean {
  return Boolean((details.email && channel !== 'email') || (details.phone && channel !== 'whatsapp'));
}

export interface LeadFilter {
  status?: LeadStatus | undefined;
  intent?: Intent | undefined;
  afterHours?: boolean | undefined;
  /** Real leads, the other inquiries, or all (the default). */
  kind?: LeadKind | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** Leads of one hotel; contact details and notes encrypted (AAD leads/details/<id>). */
export class LeadRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'cipher' | 'property'>) {
    this.db = connectionOf(scope);
  }

  private decode(r: LeadRow): Lead {
    return {
      id: r.id,
      propertyId: this.scope.property.id,
      conversationId: r.conversation_id,
      guestId: r.guest_id,
      intent: r.intent,
      status: r.status,
      details: JSON.parse(this.scope.cipher.decrypt(r.details_enc, { table: 'leads', column: 'details', rowId: r.id })) as LeadDetails,
      sourceChannel: r.source_channel,
      afterHours: r.after_hours === 1,
      bookingValue: r.booking_value,
      lostReason: r.lost_reason,
      convertedAt: r.converted_at,
      isLead: r.is_lead === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  byConversation(conversationId: string): Lead | undefined {
    const r = prepared(this.db, 'select * from leads where conversation_id = ?').get(conversationId) as LeadRow | undefined;
    return r && this.decode(r);
  }

  get(id: string): Lead | undefined {
    const r = prepared(this.db, 'select * from leads where id = ?').get(id) as LeadRow | undefined;
    return r && this.decode(r);
  }

  insert(l: { conversationId: string; guestId: string; intent: Intent; details: LeadDetails; sourceChannel: Channel; afterHours: boolean; at: string }): Lead {
    const id = newId('lead');
    prepared(
      this.db,
      `insert into leads (id, conversation_id, guest_id, intent, status, details_enc, check_in, check_out, party_size, source_channel, after_hours, contact_given, created_at, updated_at)
       values (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id, l.conversationId, l.guestId, l.intent, this.scope.cipher.encrypt(JSON.stringify(l.details), { table: 'leads', column: 'details', rowId: id }),
      l.details.checkIn, l.details.checkOut, l.details.guests, l.sourceChannel, l.afterHours ? 1 : 0, contactGiven(l.details, l.sourceChannel) ? 1 : 0, l.at, l.at,
    );
    return this.get(id)!;
  }

  save(l: Lead, at: string): Lead {
    prepared(
      this.db,
      `update leads set intent = ?, status = ?, details_enc = ?, check_in = ?, check_out = ?, party_size = ?, booking_value = ?, lost_reason = ?,
       converted_at = ?, contact_given = ?, updated_at = ? where id = ?`,
    ).run(
      l.intent, l.status, this.scope.cipher.encrypt(JSON.stringify(l.details), { table: 'leads', column: 'details', rowId: l.id }), l.details.checkIn,
      l.details.checkOut, l.details.guests, l.bookingValue, l.lostReason, l.convertedAt, contactGiven(l.details, l.sourceChannel) ? 1 : 0, at, l.id,
    );
    return this.get(l.id)!;
  }

  /**
   * Sets whether each lead's details give contact for a follow-up (leads written before this was
   * kept, or details edited outside `save`). Returns how many changed.
   */
  requalify(): number {
    let changed = 0;
    const update = prepared(this.db, 'update leads set contact_given = ? where id = ? and contact_given <> ?');
    for (let after = ''; ; ) {
      const rows = prepared(this.db, 'select * from leads where id > ? order by id limit 500').all(after) as LeadRow[];
      if (rows.length === 0) return changed;
      for (const r of rows) {
        const given = contactGiven(this.decode(r).details, r.source_channel) ? 1 : 0;
        changed += update.run(given, r.id, given).changes;
      }
      after = rows.at(-1)!.id;
    }
  }

  list(f: LeadFilter): Lead[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: f.limit };
    const add = (clause: string, key: string, value: unknown) => {
      if (value === undefined) return;
      where.push(clause);
      params[key] = value;
    };
    add('status = @status', 'status', f.status);
    add('intent = @intent', 'intent', f.intent);
    add('after_hours = @afterHours', 'afterHours', f.afterHours === undefined ? undefined : f.afterHours ? 1 : 0);
    add('is_lead = @isLead', 'isLead', f.kind === 'leads' ? 1 : f.kind === 'inquiries' ? 0 : undefined);
    add('created_at >= @from', 'from', f.from);
    add('created_at < @to', 'to', f.to);
    if (f.cursor) {
      where.push('(created_at < @cAt or (created_at = @cAt and id > @cId))');
      Object.assign(params, { cAt: f.cursor.createdAt, cId: f.cursor.id });
    }
    const rows = prepared(this.db, `select * from leads ${where.length ? 'where ' + where.join(' and ') : ''} order by created_at desc, id limit @limit`)
      .all(params) as LeadRow[];
    return rows.map((r) => this.decode(r));
  }

  /** How many leads these conversations have. */
  countForConversations(conversationIds: readonly string[]): number {
    return prepared(this.db, 'select count(*) from leads where conversation_id in (select value from json_each(?))').pluck().get(JSON.stringify(conversationIds)) as number;
  }
}
