import type { Db } from '../../db/sqlite.js';
import type { Actor } from '../../shared/actor.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import type { PropertyService } from '../properties/property.service.js';
import type { FieldCipher } from './field-crypto.js';
import type { KeyVault } from './key-vault.js';

/** Every encrypted column of a hotel database: table, id column, sealed column, AAD column name. */
const SEALED: { table: string; id: string; column: string; aad: string }[] = [
  { table: 'guests', id: 'id', column: 'name_enc', aad: 'name' },
  { table: 'guests', id: 'id', column: 'phone_enc', aad: 'phone' },
  { table: 'guests', id: 'id', column: 'email_enc', aad: 'email' },
  { table: 'conversations', id: 'id', column: 'reply_to_enc', aad: 'reply_to' },
  { table: 'conversations', id: 'id', column: 'subject_enc', aad: 'subject' },
  { table: 'messages', id: 'id', column: 'body_enc', aad: 'body' },
  { table: 'leads', id: 'id', column: 'details_enc', aad: 'details' },
  { table: 'outbox', id: 'id', column: 'payload_enc', aad: 'payload' },
  { table: 'knowledge_gaps', id: 'id', column: 'question_enc', aad: 'question' },
  { table: 'message_media', id: 'message_id', column: 'data_enc', aad: 'data' },
];

export interface RotationProgress {
  propertyId: string;
  state: 'idle' | 'running' | 'done' | 'failed';
  version: number | null;
  total: number;
  done: number;
  error: string | null;
}

/**
 * Rotates one hotel's data key (B4): a new key version encrypts everything from now on, and a
 * background job re-encrypts every stored value in small batches (the appliance keeps working;
 * old versions still decrypt meanwhile). When nothing is left under the old key, it is destroyed.
 */
export class DataKeyRotation {
  private readonly progress = new Map<string, RotationProgress>();

  constructor(
    private readonly properties: PropertyService,
    private readonly vault: KeyVault,
    private readonly groupDb: Db,
    private readonly audit: AuditService,
    private readonly log: Logger,
  ) {}

  status(propertyId: string): RotationProgress {
    return this.progress.get(propertyId) ?? { propertyId, state: 'idle', version: null, total: 0, done: 0, error: null };
  }

  private stale(db: Db, version: number): { spec: (typeof SEALED)[number]; ids: string[] }[] {
    return SEALED.map((spec) => ({
      spec,
      // Byte 2 of a sealed value is its key version (field-crypto.ts).
      ids: (db
        .prepare(`select ${spec.id} as id from ${spec.table} where ${spec.column} is not null and length(${spec.column}) > 2 and hex(substr(${spec.column}, 2, 1)) <> ?`)
        .all(version.toString(16).padStart(2, '0').toUpperCase()) as { id: string }[]).map((r) => String(r.id)),
    }));
  }

  /** Starts the rotation; resolves when every value is re-encrypted and the old key destroyed. */
  start(idOrSlug: string, actor: Actor, batch = 200): { promise: Promise<RotationProgress>; progress: RotationProgress } {
    const property = this.properties.get(idOrSlug);
    const current = this.progress.get(property.id);
    if (current?.state === 'running') return { promise: Promise.resolve(current), progress: current };
    const version = this.vault.addDataKeyVersion(property.id);
    const scope = this.properties.scope(property.id);
    const work = this.stale(scope.db, version);
    const inbox = (this.groupDb.prepare(`select id from inbox_events where property_id = ? and length(payload_enc) > 0`).all(property.id) as { id: number }[]).map((r) => r.id);
    const progress: RotationProgress = { propertyId: property.id, state: 'running', version, total: work.reduce((n, w) => n + w.ids.length, 0) + inbox.length, done: 0, error: null };
    this.progress.set(property.id, progress);
    this.audit.record(actor, { action: 'keys.rotate_data_key', target: `property:${property.id}`, propertyId: property.id, after: { version, values: progress.total } });
    const cipher: FieldCipher = scope.cipher;
    const promise = (async () => {
      try {
        for (const { spec, ids } of work) {
          for (let i = 0; i < ids.length; i += batch) {
            const slice = ids.slice(i, i + batch);
            scope.db.transaction(() => {
              const read = scope.db.prepare(`select ${spec.column} as v from ${spec.table} where ${spec.id} = ?`);
              const write = scope.db.prepare(`update ${spec.table} set ${spec.column} = ? where ${spec.id} = ?`);
              for (const id of slice) {
                const row = read.get(id) as { v: Buffer | null } | undefined;
                if (!row?.v) continue;
                const slot = { table: spec.table, column: spec.aad, rowId: id };
                write.run(cipher.encryptBytes(cipher.decryptBytes(row.v, slot), slot), id);
              }
            })();
            progress.done += slice.length;
            await new Promise((r) => setImmediate(r));
          }
        }
        const readInbox = this.groupDb.prepare('select payload_enc as v from inbox_events where id = ?');
        const writeInbox = this.groupDb.prepare('update inbox_events set payload_enc = ? where id = ? and length(payload_enc) > 0');
        for (const id of inbox) {
          const row = readInbox.get(id) as { v: Buffer } | undefined;
          if (row && row.v.length > 0) {
            const slot = { table: 'inbox_events', column: 'payload', rowId: id };
            writeInbox.run(cipher.encryptBytes(cipher.decryptBytes(row.v, slot), slot), id);
          }
          progress.done++;
        }
        const left = this.stale(scope.db, version).reduce((n, w) => n + w.ids.length, 0);
        if (left > 0) throw new Error(`${left} values are still under an old key`);
        const destroyed = this.vault.destroyRetiredKeys(property.id);
        progress.state = 'done';
        this.audit.record(actor, { action: 'keys.retire_data_key', target: `property:${property.id}`, propertyId: property.id, after: { version, reencrypted: progress.done, destroyedKeys: destroyed } });
        this.log.info({ propertyId: property.id, version, values: progress.done }, 'data key rotated');
      } catch (err) {
        progress.state = 'failed';
        progress.error = (err as Error).message;
        this.log.error({ err, propertyId: property.id }, 'data key rotation failed; old keys are kept, run it again');
      }
      return progress;
    })();
    return { promise, progress };
  }
}
