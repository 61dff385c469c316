import { SetupProgress } from '../../contract/properties.js';
import type { Clock } from '../../shared/clock.js';
import type { SetupProgressRepository } from './setup-progress.repository.js';

/**
 * Where the first-hotel set-up guide stopped, kept by the server so a reload, another tab or a
 * restart resumes at the same hotel and step. Progress for a hotel that no longer exists is dropped.
 */
export class SetupProgressService {
  constructor(
    private readonly repo: SetupProgressRepository,
    private readonly hotelExists: (propertyId: string) => boolean,
    private readonly clock: Clock,
  ) {}

  current(): SetupProgress | null {
    const parsed = SetupProgress.safeParse(this.repo.read());
    return parsed.success && this.hotelExists(parsed.data.propertyId) ? parsed.data : null;
  }

  /** Records the step; the hotel is checked by the caller (its id resolves in this group). */
  save(progress: SetupProgress): SetupProgress {
    this.repo.write(progress, this.clock.now().toISOString());
    return progress;
  }

  clear(): void {
    this.repo.clear();
  }
}
