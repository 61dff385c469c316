import { CreateProperty, UpdateProperty, type Property } from '../../contract/properties.js';
import type { PropertyFiles } from '../../db/databases.js';
import type { Transactional } from '../../db/handle.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { parseInput } from '../../shared/validation.js';
import { newId } from '../../shared/ids.js';
import type { KeyVault, PropertyCrypto } from '../vault/key-vault.js';
import type { AuditService } from '../audit/audit.service.js';
import { canSeeProperty, SYSTEM_ACTOR, type Actor } from '../../shared/actor.js';
import type { PropertyRepository } from './property.repository.js';

/**
 * Everything service code may know about one hotel: its own database, its keys and its settings.
 * No scope holds another hotel's connection, so no query can mix two hotels' rows (A3). Service
 * code runs transactions on it and hands it to repositories; only repositories reach the
 * connection behind it (server/db/handle.ts).
 */
export interface PropertyScope extends PropertyCrypto, Transactional {
  readonly property: Property;
}

export class PropertyService {
  constructor(
    private readonly repo: PropertyRepository,
    private readonly databases: PropertyFiles,
    private readonly vault: KeyVault,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** The hotels this actor may see. */
  list(actor: Actor = SYSTEM_ACTOR): Property[] {
    return this.repo.list().filter((p) => canSeeProperty(actor, p.id));
  }

  find(idOrSlug: string): Property | undefined {
    return this.repo.find(idOrSlug);
  }

  get(idOrSlug: string): Property {
    const p = this.repo.find(idOrSlug);
    if (!p) throw new NotFoundError('No such property');
    return p;
  }

  /** Creates the hotel's row, its keys and its database file. */
  create(input: unknown, actor: Actor = SYSTEM_ACTOR): Property {
    const data = parseInput(CreateProperty, input, 'The property');
    if (this.repo.slugTaken(data.slug)) throw new ConflictError(`The slug "${data.slug}" is already used by another property`);
    const now = this.clock.now().toISOString();
    const property: Property = { id: newId('prop'), ...data, createdAt: now, updatedAt: now };
    this.databases.openProperty(property.id);
    try {
      this.repo.transaction(() => {
        this.repo.insert(property);
        this.vault.createPropertyKeys(property.id);
        this.audit.record(actor, { action: 'property.create', target: property.id, propertyId: property.id, after: property });
      });
    } catch (err) {
      this.databases.removeProperty(property.id);
      if (err instanceof Error && /UNIQUE constraint failed: properties.slug/.test(err.message)) {
        throw new ConflictError(`The slug "${data.slug}" is already used by another property`);
      }
      throw err;
    }
    return property;
  }

  update(idOrSlug: string, input: unknown, actor: Actor = SYSTEM_ACTOR): Property {
    const patch = parseInput(UpdateProperty, input, 'The property update');
    const current = this.get(idOrSlug);
    const next: Property = { ...current, ...patch, updatedAt: this.clock.now().toISOString() };
    this.repo.transaction(() => {
      this.repo.update(next);
      this.audit.record(actor, { action: 'property.update', target: next.id, propertyId: next.id, before: current, after: next });
    });
    return next;
  }

  /**
   * Removes a hotel for good: its row goes in one group.db transaction with whatever else
   * `alongside` deletes there (its keys, its queued events), then its database file.
   */
  remove(propertyId: string, alongside: () => void): void {
    this.repo.transaction(() => {
      this.repo.delete(propertyId);
      alongside();
    });
    this.databases.removeProperty(propertyId);
  }

  /** The scope service code receives for one hotel. */
  scope(idOrSlug: string): PropertyScope {
    const property = this.get(idOrSlug);
    return this.databases.bindProperty(property.id, { property, ...this.vault.forProperty(property.id) });
  }
}
