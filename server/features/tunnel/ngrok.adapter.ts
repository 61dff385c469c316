import { TunnelUnavailableError, type TunnelProvider, type TunnelSession } from './tunnel.port.js';

/** The part of `@ngrok/ngrok` this adapter uses (REFERENCE.md section 5). */
interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}
interface NgrokModule {
  forward(config: Record<string, unknown>): Promise<NgrokListener>;
}

const PACKAGE = '@ngrok/ngrok';

/** Loaded on demand: the package is optional and not installed by default. */
async function loadNgrok(): Promise<NgrokModule> {
  const specifier: string = PACKAGE;
  const mod = (await import(specifier)) as NgrokModule & { default?: NgrokModule };
  return typeof mod.forward === 'function' ? mod : mod.default!;
}

interface NgrokOptions {
  /** A reserved domain keeps the URL stable (Meta's callback URL must not change). */
  domain?: string;
  /** The module loader; tests hand in a stand-in. */
  load?: () => Promise<NgrokModule>;
}

/**
 * ngrok through its Node SDK. The SDK reads the auth token from NGROK_AUTHTOKEN and reconnects its
 * session by itself (disconnections are logged); the manager's end-to-end health check restarts a
 * tunnel that stays unreachable.
 */
export class NgrokProvider implements TunnelProvider {
  readonly name = 'ngrok' as const;
  readonly restartWhenUnhealthy = true;

  constructor(private readonly opts: NgrokOptions & { onDisconnect?: (detail: string) => void } = {}) {}

  async open(target: { port: number }): Promise<TunnelSession> {
    let ngrok: NgrokModule;
    try {
      ngrok = await (this.opts.load ?? loadNgrok)();
    } catch {
      throw new TunnelUnavailableError(
        `the ngrok provider needs the ${PACKAGE} package, which is not installed: run \`npm install ${PACKAGE}\` and set NGROK_AUTHTOKEN, or choose another NOCTURN_TUNNEL_PROVIDER`,
      );
    }
    let end: (reason: string) => void = () => undefined;
    const ended = new Promise<string>((resolve) => {
      end = resolve;
    });
    const listener = await ngrok.forward({
      addr: `127.0.0.1:${target.port}`,
      authtoken_from_env: true,
      ...(this.opts.domain ? { domain: this.opts.domain } : {}),
      on_status_change: (...args: unknown[]) => this.opts.onDisconnect?.(args.filter((a) => a != null).map(String).join(': ')),
    });
    const url = listener.url();
    if (!url) {
      await listener.close();
      throw new Error('ngrok opened a listener without a URL');
    }
    return {
      url: url.replace(/\/+$/, ''),
      ended,
      stop: async () => {
        end('stopped');
        await listener.close();
      },
    };
  }
}
