import type { NewSavedReply, SavedReply, UpdateSavedReply } from '../../contract/saved-replies.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { PropertyScope } from '../properties/property.service.js';
import { SavedReplyRepository } from './saved-reply.repository.js';

/**
 * A hotel's saved replies, shared by its staff: everyone uses them, managers keep them. Their
 * placeholders are filled where they are inserted (`fillPlaceholders` in the contract).
 */
export class SavedReplyService {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(scope: PropertyScope): SavedReply[] {
    return new SavedReplyRepository(scope).list();
  }

  /** `input` is parsed by the contract's NewSavedReply (shortcut normalised, text trimmed). */
  create(scope: PropertyScope, input: Required<NewSavedReply>, actor: Actor): SavedReply {
    const { shortcut, text } = input;
    const repo = new SavedReplyRepository(scope);
    return scope.transaction(() => {
      this.unique(repo, shortcut, null);
      const saved = repo.insert({ shortcut, text, createdBy: actor.userId, at: this.clock.now().toISOString() });
      this.audit.record(actor, { action: 'saved_reply.create', target: `saved_reply:${saved.id}`, propertyId: scope.property.id, after: { shortcut } });
      return saved;
    });
  }

  update(scope: PropertyScope, id: string, patch: UpdateSavedReply, actor: Actor): SavedReply {
    const repo = new SavedReplyRepository(scope);
    return scope.transaction(() => {
      const current = repo.get(id);
      if (!current) throw new NotFoundError('No such saved reply');
      const shortcut = patch.shortcut ?? current.shortcut;
      this.unique(repo, shortcut, id);
      const saved = repo.update(id, { shortcut, text: patch.text ?? current.text, at: this.clock.now().toISOString() });
      this.audit.record(actor, { action: 'saved_reply.update', target: `saved_reply:${id}`, propertyId: scope.property.id, before: { shortcut: current.shortcut }, after: { shortcut } });
      return saved;
    });
  }

  delete(scope: PropertyScope, id: string, actor: Actor): void {
    const repo = new SavedReplyRepository(scope);
    scope.transaction(() => {
      const current = repo.get(id);
      if (!current || !repo.delete(id)) throw new NotFoundError('No such saved reply');
      this.audit.record(actor, { action: 'saved_reply.delete', target: `saved_reply:${id}`, propertyId: scope.property.id, before: { shortcut: current.shortcut } });
    });
  }

  private unique(repo: SavedReplyRepository, shortcut: string, exceptId: string | null): void {
    if (repo.shortcutTaken(shortcut, exceptId)) throw new ValidationError('The saved reply is not valid', [{ path: 'shortcut', message: `/${shortcut} is already used by another saved reply` }]);
  }
}
