import type { Channel, Lead, LeadDetails, LeadStatus } from '../../contract/conversations.js';
import { prepared } from '../../db/sqlite.js';
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
  created_at: string;
  updated_at: string;
}

export interface LeadFilter {
  status?: LeadStatus | undefined;
  intent?: Intent | undefined;
  afterHours?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** Leads of one hotel; contact details and notes encrypted (AAD leads/details/<id>). */
export class LeadRepository {
  constructor(private readonly scope: Pick<PropertyScope, 'db' | 'cipher' | 'property'>) {}

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
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  byConversation(conversationId: string): Lead | undefined {
    const r = prepared(this.scope.db, 'select * from leads where conversation_id = ?').get(conversationId) as LeadRow | undefined;
    return r && this.decode(r);
  }

  get(id: string): Lead | undefined {
    const r = prepared(this.scope.db, 'select * from leads where id = ?').get(id) as LeadRow | undefined;
    return r && this.decode(r);
  }

  insert(l: { conversationId: string; guestId: string; intent: Intent; details: LeadDetails; sourceChannel: Channel; afterHours: boolean; at: string }): Lead {
    const id = newId('lead');
    prepared(
      this.scope.db,
      `insert into leads (id, conversation_id, guest_id, intent, status, details_enc, check_in, check_out, party_size, source_channel, after_hours, created_at, updated_at)
       values (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id, l.conversationId, l.guestId, l.intent, this.scope.cipher.encrypt(JSON.stringify(l.details), { table: 'leads', column: 'details', rowId: id }),
      l.details.checkIn, l.details.checkOut, l.details.guests, l.sourceChannel, l.afterHours ? 1 : 0, l.at, l.at,
    );
    return this.get(id)!;
  }

  save(l: Lead, at: string): Lead {
    prepared(
      this.scope.db,
      `update leads set intent = ?, status = ?, details_enc = ?, check_in = ?, check_out = ?, party_size = ?, booking_value = ?, lost_reason = ?,
       converted_at = ?, updated_at = ? where id = ?`,
    ).run(
      l.intent, l.status, this.scope.cipher.encrypt(JSON.stringify(l.details), { table: 'leads', column: 'details', rowId: l.id }), l.details.checkIn,
      l.details.checkOut, l.details.guests, l.bookingValue, l.lostReason, l.convertedAt, at, l.id,
    );
    return this.get(l.id)!;
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
    add('created_at >= @from', 'from', f.from);
    add('created_at < @to', 'to', f.to);
    if (f.cursor) {
      where.push('(created_at < @cAt or (created_at = @cAt and id > @cId))');
      Object.assign(params, { cAt: f.cursor.createdAt, cId: f.cursor.id });
    }
    const rows = prepared(this.scope.db, `select * from leads ${where.length ? 'where ' + where.join(' and ') : ''} order by created_at desc, id limit @limit`)
      .all(params) as LeadRow[];
    return rows.map((r) => this.decode(r));
  }
}
