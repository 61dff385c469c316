import type { Actor } from '../../shared/actor.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import type { InboundQueueRepository } from '../inbound/inbound-queue.repository.js';
import type { PropertyService } from '../properties/property.service.js';
import type { FieldCipher } from './field-crypto.js';
import type { KeyVault } from './key-vault.js';
import { SealedColumnRepository } from './sealed-column.repository.js';

interface RotationProgress {
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
    private readonly inboundQueue: Pick<InboundQueueRepository, 'withPayload' | 'resealPayload'>,
    private readonly audit: AuditService,
    private readonly log: Logger,
  ) {}

  status(propertyId: string): RotationProgress {
    return this.progress.get(propertyId) ?? { propertyId, state: 'idle', version: null, total: 0, done: 0, error: null };
  }

  /** Starts the rotation; resolves when every value is re-encrypted and the old key destroyed. */
  start(idOrSlug: string, actor: Actor, batch = 200): { promise: Promise<RotationProgress>; progress: RotationProgress } {
    const property = this.properties.get(idOrSlug);
    const current = this.progress.get(property.id);
    if (current?.state === 'running') return { promise: Promise.resolve(current), progress: current };
    const version = this.vault.addDataKeyVersion(property.id);
    const scope = this.properties.scope(property.id);
    const sealed = new SealedColumnRepository(scope);
    const work = sealed.stale(version);
    const queued = this.inboundQueue.withPayload(property.id);
    const progress: RotationProgress = { propertyId: property.id, state: 'running', version, total: work.reduce((n, w) => n + w.ids.length, 0) + queued.length, done: 0, error: null };
    this.progress.set(property.id, progress);
    this.audit.record(actor, { action: 'keys.rotate_data_key', target: `property:${property.id}`, propertyId: property.id, after: { version, values: progress.total } });
    const cipher: FieldCipher = scope.cipher;
    const reseal = (value: Buffer, slot: { table: string; column: string; rowId: string | number }) => cipher.encryptBytes(cipher.decryptBytes(value, slot), slot);
    const promise = (async () => {
      try {
        for (const { spec, ids } of work) {
          for (let i = 0; i < ids.length; i += batch) {
            const slice = ids.slice(i, i + batch);
            sealed.reseal(spec, slice, reseal);
            progress.done += slice.length;
            await new Promise((r) => setImmediate(r));
          }
        }
        for (const id of queued) {
          this.inboundQueue.resealPayload(id, reseal);
          progress.done++;
        }
        const left = sealed.stale(version).reduce((n, w) => n + w.ids.length, 0);
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
