/** The tunnel that carries webhooks and widget traffic to the public listener (D7). */
import type { TunnelProviderName } from '../../contract/channels.js';

export { TUNNEL_PROVIDERS, type TunnelProviderName, type TunnelStatus } from '../../contract/channels.js';

/** One run of a tunnel, from the moment its public URL is known until it ends. */
export interface TunnelSession {
  readonly url: string;
  /** Settles, with the reason, when the tunnel ends by itself (process exit, session closed). */
  readonly ended: Promise<string>;
  /** A local health check where the provider has one (cloudflared's metrics `/ready`). */
  health?(): Promise<{ ok: boolean; detail?: string }>;
  stop(): Promise<void>;
}

export interface TunnelProvider {
  readonly name: Exclude<TunnelProviderName, 'none'>;
  /** Whether a failing health check should tear the tunnel down and start it again. */
  readonly restartWhenUnhealthy: boolean;
  /** Starts a tunnel to the public listener on loopback and resolves once its public URL is known. */
  open(target: { port: number }): Promise<TunnelSession>;
}

/** Retrying cannot help (the program or package is not installed): report it and stop trying. */
export class TunnelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TunnelUnavailableError';
  }
}
