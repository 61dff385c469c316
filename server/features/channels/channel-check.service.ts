import { ChannelCheck, type CheckableChannel } from '../../contract/channels.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ChannelCheckRepository } from './channel-check.repository.js';

/** A check's verdict: Connected, Credentials rejected or Unreachable, and why. */
export type CheckOutcome = Pick<ChannelCheck, 'state' | 'detail'>;

/**
 * Asks a channel's provider whether a hotel's stored credentials work, sending nothing to a guest;
 * throws NotFoundError when the channel is not set up. Each channel module gives its own.
 */
export type CredentialProbe = (propertyId: string) => Promise<CheckOutcome>;

/** Bound on one provider call or SMTP step of a check. */
export const CHECK_TIMEOUT_MS = 10_000;

interface ChannelCheckDeps {
  repo: ChannelCheckRepository;
  clock: Clock;
  log: Logger;
  /** The checkable channels' probes, by channel name. */
  probes: ReadonlyMap<string, CredentialProbe>;
}

/**
 * Asks a channel's provider whether the stored credentials work (the probe is the channel's own:
 * whatsapp/whatsapp.check.ts, email/email.check.ts). The answer and its time are kept for the
 * settings screen.
 */
export class ChannelCheckService {
  constructor(private readonly deps: ChannelCheckDeps) {}

  /** The last check, unless the channel was set up again since (then its answer no longer holds). */
  last(propertyId: string, channel: CheckableChannel, changedAt: string | null): ChannelCheck | null {
    const check = ChannelCheck.safeParse(this.deps.repo.get(propertyId, channel)).data ?? null;
    return check && (!changedAt || check.checkedAt >= changedAt) ? check : null;
  }

  async check(propertyId: string, channel: CheckableChannel): Promise<ChannelCheck> {
    const probe = this.deps.probes.get(channel);
    if (!probe) throw new NotFoundError(`The ${channel} channel has no credentials to check`);
    const outcome = await probe(propertyId);
    const check: ChannelCheck = { ...outcome, checkedAt: this.deps.clock.now().toISOString() };
    this.deps.repo.save(propertyId, channel, check);
    this.deps.log.info({ propertyId, channel, state: check.state }, 'channel credentials checked');
    return check;
  }
}

/** A GET with a timeout: the answer, or Unreachable when none came. */
export async function providerGet(provider: string, url: string, headers: Record<string, string>, timeoutMs = CHECK_TIMEOUT_MS): Promise<{ status: number; json: unknown } | CheckOutcome> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return { state: 'unreachable', detail: `${provider} ${timedOut ? 'did not answer in time' : 'could not be reached'}; check this computer's internet connection and try again.` };
  }
}
