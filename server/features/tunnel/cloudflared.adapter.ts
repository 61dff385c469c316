import { createServer } from 'node:net';
import { openProcessTunnel } from './process-tunnel.js';
import type { TunnelProvider, TunnelSession } from './tunnel.port.js';

/** A free loopback port for cloudflared's metrics server (which also serves /ready and /quicktunnel). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function getJson(url: string, timeoutMs: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body };
}

const QUICK_TUNNEL_URL = /https:\/\/[a-z0-9-]+\.trycloudflare\.com/i;

interface CloudflaredOptions {
  /** The program; found on PATH by default. */
  binary?: string;
  startTimeoutMs?: number;
  /** Environment for the child (tests narrow PATH); the parent's by default. */
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

/**
 * A cloudflared quick tunnel (REFERENCE.md section 5): the URL comes from the stderr banner or
 * from the metrics server's /quicktunnel, health from its /ready. The URL changes on every start.
 */
export class CloudflaredProvider implements TunnelProvider {
  readonly name = 'cloudflared' as const;
  readonly restartWhenUnhealthy = true;

  constructor(private readonly opts: CloudflaredOptions = {}) {}

  async open(target: { port: number }): Promise<TunnelSession> {
    const metricsPort = await freeLoopbackPort();
    const metrics = `http://127.0.0.1:${metricsPort}`;
    const session = await openProcessTunnel({
      label: 'cloudflared',
      command: this.opts.binary ?? 'cloudflared',
      args: ['tunnel', '--url', `http://127.0.0.1:${target.port}`, '--no-autoupdate', '--metrics', `127.0.0.1:${metricsPort}`],
      urlPattern: QUICK_TUNNEL_URL,
      startTimeoutMs: this.opts.startTimeoutMs ?? 60_000,
      notFound:
        'cloudflared was not found on PATH: install it (https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/) or choose another NOCTURN_TUNNEL_PROVIDER',
      pollUrl: async () => {
        const { status, body } = await getJson(`${metrics}/quicktunnel`, 1_000);
        return status === 200 && typeof body.hostname === 'string' && body.hostname ? `https://${body.hostname}` : undefined;
      },
      ...(this.opts.env ? { env: this.opts.env } : {}),
      ...(this.opts.onLine ? { onLine: this.opts.onLine } : {}),
    });
    return {
      url: session.url,
      ended: session.ended,
      stop: () => session.stop(),
      health: async () => {
        try {
          const { status, body } = await getJson(`${metrics}/ready`, 2_000);
          const connections = typeof body.readyConnections === 'number' ? body.readyConnections : 0;
          return status === 200 ? { ok: true, detail: `${connections} edge connections` } : { ok: false, detail: 'cloudflared has no edge connection' };
        } catch (err) {
          return { ok: false, detail: `cloudflared metrics unreachable: ${(err as Error).message}` };
        }
      },
    };
  }
}
