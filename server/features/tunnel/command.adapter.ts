import { openProcessTunnel } from './process-tunnel.js';
import type { TunnelProvider, TunnelSession } from './tunnel.port.js';

/**
 * Splits a command line into arguments without a shell: whitespace separates, single quotes keep
 * everything literal, double quotes and backslashes work as in a POSIX shell. No globbing, no
 * variables, no pipes: the command runs directly.
 */
export function parseCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inArg = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inArg = true;
    } else if (/\s/.test(c)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (quote) throw new Error('unbalanced quote in the tunnel command');
  if (inArg) args.push(current);
  return args;
}

/** Any https URL in the output, up to whitespace or quotes. */
const DEFAULT_URL_PATTERN = 'https://[^\\s"\'<>]+';

interface CommandTunnelOptions {
  /** For example `ssh -R 80:127.0.0.1:{port} nokey@localhost.run`; `{port}` becomes the public listener's port. */
  commandLine: string;
  /** Regular expression for the public URL in the program's output (group 1 if present). */
  urlPattern?: string | undefined;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

/** A custom tunnel program (ssh -R, a vendor CLI): the URL is read from its output with a pattern. */
export class CommandProvider implements TunnelProvider {
  readonly name = 'command' as const;
  readonly restartWhenUnhealthy = true;
  private readonly argv: string[];
  private readonly pattern: RegExp;

  constructor(private readonly opts: CommandTunnelOptions) {
    this.argv = parseCommandLine(opts.commandLine);
    if (this.argv.length === 0) throw new Error('the tunnel command is empty');
    this.pattern = new RegExp(opts.urlPattern ?? DEFAULT_URL_PATTERN);
  }

  open(target: { port: number }): Promise<TunnelSession> {
    const [command, ...args] = this.argv.map((a) => a.replaceAll('{port}', String(target.port)));
    return openProcessTunnel({
      label: `the tunnel command (${command})`,
      command: command!,
      args,
      urlPattern: this.pattern,
      startTimeoutMs: this.opts.startTimeoutMs ?? 60_000,
      notFound: `the tunnel command ${command} was not found: check NOCTURN_TUNNEL_COMMAND`,
      ...(this.opts.env ? { env: this.opts.env } : {}),
      ...(this.opts.onLine ? { onLine: this.opts.onLine } : {}),
    });
  }
}
