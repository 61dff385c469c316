import { createHash } from 'node:crypto';
import { auditChanges, auditSentence } from '../../contract/audit-log.js';
import type { AuditEntry } from '../../contract/auth.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { maskPii } from '../../shared/redact.js';
import type { AuditFilter, AuditRepository, AuditRow } from './audit.repository.js';

const GENESIS = '0'.repeat(64);
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|hash|totp|cookie|authorization|private/i;

/** Snapshots keep their shape but lose secrets and guest contact details. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[filtered]' : scrub(v, depth + 1);
  return out;
}

type Content = Omit<AuditRow, 'hash'>;

/** Canonical content of a row: fixed key order, so the hash is reproducible. */
function rowHash(c: Content): string {
  const canonical = JSON.stringify([
    c.seq, c.at, c.actor_id, c.actor_role, c.actor_label, c.action, c.target, c.property_id, c.request_id, c.address, c.before_json, c.after_json, c.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

interface AuditEvent {
  action: string;
  target?: string | null;
  propertyId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** The append-only, hash-chained audit log (E4). */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  record(actor: Actor, e: AuditEvent): void {
    this.repo.append((prev) => {
      const content: Content = {
        seq: (prev?.seq ?? 0) + 1,
        at: this.clock.now().toISOString(),
        actor_id: actor.userId,
        actor_role: actor.role,
        actor_label: maskPii(actor.label),
        action: e.action,
        target: e.target ?? null,
        property_id: e.propertyId ?? null,
        request_id: actor.requestId ?? null,
        address: actor.address ?? null,
        before_json: e.before === undefined ? null : JSON.stringify(scrub(e.before)),
        after_json: e.after === undefined ? null : JSON.stringify(scrub(e.after)),
        prev_hash: prev?.hash ?? GENESIS,
      };
      return { ...content, hash: rowHash(content) };
    });
  }

  /** Walks the chain; reports the first row whose link or content does not match. */
  verify(): { ok: boolean; checked: number; firstBrokenSeq: number | null; reason: string | null } {
    let prevHash = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    for (const row of this.repo.iterate()) {
      const { hash, ...content } = row;
      let reason: string | null = null;
      if (row.seq !== expectedSeq) reason = `row ${expectedSeq} is missing`;
      else if (row.prev_hash !== prevHash) reason = 'link to the previous row does not match';
      else if (rowHash(content) !== hash) reason = 'row content does not match its hash';
      if (reason) return { ok: false, checked, firstBrokenSeq: row.seq !== expectedSeq ? expectedSeq : row.seq, reason };
      prevHash = hash;
      expectedSeq++;
      checked++;
    }
    return { ok: true, checked, firstBrokenSeq: null, reason: null };
  }

  page(f: AuditFilter): { items: AuditEntry[]; nextBefore: number | null } {
    const rows = this.repo.page(f);
    return {
      items: rows.map((r) => {
        const before = r.before_json ? (JSON.parse(r.before_json) as unknown) : null;
        const after = r.after_json ? (JSON.parse(r.after_json) as unknown) : null;
        return {
          seq: r.seq,
          at: r.at,
          actorId: r.actor_id,
          actorRole: r.actor_role,
          actorLabel: r.actor_label,
          action: r.action,
          target: r.target,
          propertyId: r.property_id,
          requestId: r.request_id,
          address: r.address,
          before,
          after,
          actorName: r.actor_name ?? r.actor_label,
          hotel: r.hotel_name,
          summary: auditSentence({ action: r.action, target: r.target, hotel: r.hotel_name, targetName: r.target_name, before, after }),
          changes: auditChanges(before, after),
        };
      }),
      nextBefore: rows.length === f.limit ? rows[rows.length - 1]!.seq : null,
    };
  }
}
