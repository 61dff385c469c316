import type { TunnelProvider, TunnelSession } from './tunnel.port.js';

/**
 * The group's own reverse proxy: nothing to start, the public URL is configured
 * (NOCTURN_PUBLIC_URL). Health comes only from the optional HTTP probe.
 */
export class ManualProvider implements TunnelProvider {
  readonly name = 'manual' as const;
  readonly restartWhenUnhealthy = false;

  constructor(private readonly publicUrl: string) {}

  async open(): Promise<TunnelSession> {
    return { url: this.publicUrl.replace(/\/+$/, ''), ended: new Promise<string>(() => undefined), stop: async () => undefined };
  }
}
