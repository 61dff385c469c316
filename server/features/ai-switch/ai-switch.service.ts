import type { AiSwitchState } from '../../contract/auth.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AiSwitchRepository, SwitchRow } from './ai-switch.repository.js';

const GROUP = 'group';

function state(row: SwitchRow | undefined, pausedBy: 'group' | 'property'): AiSwitchState {
  return { paused: row?.paused === 1, pausedBy: row?.paused === 1 ? pausedBy : null, reason: row?.reason ?? null, changedAt: row?.changed_at ?? null };
}

/**
 * The kill switch (E5): pause the AI for one hotel or the whole group. While paused, guest
 * messages are still stored and shown to staff, but nothing is sent automatically.
 */
export class AiSwitchService {
  constructor(
    private readonly repo: AiSwitchRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The effective state for a hotel: a group pause wins over the hotel's own switch. */
  forProperty(propertyId: string): AiSwitchState {
    const group = this.repo.get(GROUP);
    if (group?.paused === 1) return state(group, 'group');
    return state(this.repo.get(propertyId), 'property');
  }

  isPaused(propertyId: string): boolean {
    return this.forProperty(propertyId).paused;
  }

  group(): AiSwitchState {
    return state(this.repo.get(GROUP), 'group');
  }

  /** Scopes paused right now ('group' or property ids), for /ready and the tray. */
  pausedScopes(): string[] {
    return this.repo.pausedScopes().map((r) => r.scope);
  }

  set(scope: 'group' | { propertyId: string }, paused: boolean, reason: string | undefined, actor: Actor): AiSwitchState {
    const key = scope === 'group' ? GROUP : scope.propertyId;
    this.repo.transaction(() => {
      const before = this.repo.get(key);
      const row: SwitchRow = { scope: key, paused: paused ? 1 : 0, reason: reason ?? null, changed_by: actor.userId ?? actor.label, changed_at: this.clock.now().toISOString() };
      this.repo.set(row);
      this.audit.record(actor, {
        action: paused ? 'ai.pause' : 'ai.resume',
        target: scope === 'group' ? 'group' : key,
        propertyId: scope === 'group' ? null : key,
        before: { paused: before?.paused === 1 },
        after: { paused, reason: reason ?? null },
      });
    });
    return scope === 'group' ? this.group() : this.forProperty(key);
  }
}
