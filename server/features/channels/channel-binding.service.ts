import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, NotFoundError, TooManyRequestsError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { AuditService } from '../audit/audit.service.js';
import type { FieldCipher } from '../vault/field-crypto.js';
import type { BindingRow, BoundChannel, ChannelBindingRepository } from './channel-binding.repository.js';

export interface Binding<S = Record<string, string>, T = Record<string, unknown>> {
  id: string;
  propertyId: string;
  channel: BoundChannel;
  /** WhatsApp phone-number id, inbound email address, or widget key. */
  routingKey: string;
  secrets: S;
  settings: T;
  active: boolean;
  updatedAt: string;
}

/**
 * Channel bindings (A2, B4): each inbound event is matched to exactly one hotel by its routing key,
 * or to none. Secrets are stored only encrypted (group key derived from the master key) and never
 * returned by the API; the audit log records that they changed, not what they are.
 */
export class ChannelBindingService {
  constructor(
    private readonly repo: ChannelBindingRepository,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private decode<S, T>(row: BindingRow): Binding<S, T> {
    return {
      id: row.id,
      propertyId: row.property_id,
      channel: row.channel,
      routingKey: row.routing_key,
      secrets: JSON.parse(this.cipher.decrypt(row.secrets_enc, { table: 'channel_bindings', column: 'secrets', rowId: row.id })) as S,
      settings: JSON.parse(row.settings) as T,
      active: row.active === 1,
      updatedAt: row.updated_at,
    };
  }

  /** The hotel an inbound event belongs to, or undefined (then: acknowledge, log, drop). */
  resolve<S = Record<string, string>, T = Record<string, unknown>>(channel: BoundChannel, routingKey: string): Binding<S, T> | undefined {
    const row = this.repo.byRoutingKey(channel, routingKey) ?? this.repo.byPreviousKey(channel, routingKey, this.clock.now().toISOString());
    return row && this.decode<S, T>(row);
  }

  get<S = Record<string, string>, T = Record<string, unknown>>(propertyId: string, channel: BoundChannel): Binding<S, T> | undefined {
    const row = this.repo.byProperty(propertyId, channel);
    return row && this.decode<S, T>(row);
  }

  require<S = Record<string, string>, T = Record<string, unknown>>(propertyId: string, channel: BoundChannel): Binding<S, T> {
    const b = this.get<S, T>(propertyId, channel);
    if (!b) throw new NotFoundError(`The ${channel} channel is not set up for this hotel`);
    return b;
  }

  listForProperty(propertyId: string): Binding[] {
    return this.repo.listForProperty(propertyId).map((r) => this.decode(r));
  }

  /** Creates or replaces a hotel's binding for one channel. Secrets left out keep their stored value. */
  put(propertyId: string, channel: BoundChannel, input: { routingKey: string; secrets: Record<string, string | undefined>; settings: Record<string, unknown>; active?: boolean }, actor: Actor): Binding {
    const existing = this.repo.byProperty(propertyId, channel);
    const other = this.repo.byRoutingKey(channel, input.routingKey);
    if (other && other.property_id !== propertyId) throw new ConflictError(`This ${channel} identifier is already bound to another hotel`);
    const previous = existing ? this.decode<Record<string, string>, Record<string, unknown>>(existing) : undefined;
    const secrets: Record<string, string> = { ...(previous?.secrets ?? {}) };
    for (const [k, v] of Object.entries(input.secrets)) if (v !== undefined && v !== '') secrets[k] = v;
    const id = existing?.id ?? newId('chn');
    const at = this.clock.now().toISOString();
    this.repo.upsert({
      id,
      property_id: propertyId,
      channel,
      routing_key: input.routingKey,
      secrets_enc: this.cipher.encrypt(JSON.stringify(secrets), { table: 'channel_bindings', column: 'secrets', rowId: id }),
      settings: JSON.stringify(input.settings),
      active: input.active === false ? 0 : 1,
      created_at: existing?.created_at ?? at,
      updated_at: at,
    });
    this.audit.record(actor, {
      action: existing ? 'channel.update' : 'channel.create',
      target: `${channel}:${id}`,
      propertyId,
      before: previous ? { routingKey: previous.routingKey, settings: previous.settings, secretsSet: Object.keys(previous.secrets).sort() } : undefined,
      after: { routingKey: input.routingKey, settings: input.settings, secretsSet: Object.keys(secrets).sort() },
    });
    return this.get(propertyId, channel)!;
  }

  /** A public-listener rate limit that survives restarts; throws 429 with Retry-After when exceeded. */
  limit(key: string, burst: number, perSecond: number): void {
    const r = this.repo.take(key, burst, perSecond, this.clock.now().getTime());
    if (!r.allowed) throw new TooManyRequestsError(r.retryAfterSeconds, 'Too many requests; slow down');
  }
}
