import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { openCore, type Core } from '../core.js';
import { exitOnSignal, startServer } from '../main.js';
import { cliActor } from '../shared/actor.js';
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { pino } from 'pino';

/**
 * `nocturn` — the IT person's command-line tool. Commands print JSON (or plain lines for lists)
 * on stdout; logs go to stderr so output can be piped.
 */
const USAGE = `Usage: nocturn <command> [options]

Commands:
  serve                                   run the appliance (staff and public listeners)
  property create --name N --slug S --timezone TZ [--currency C] [--plan P] [--retention-days D]
  property list                           list the hotels
  property show <id-or-slug>              one hotel as JSON
  admin create --email E [--name N] --password-stdin
                                          create an admin account (reads the password from stdin)
  audit verify                            check the audit log's hash chain; exit 1 at the first broken row

Configuration comes from NOCTURN_* environment variables (see .env.example).`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The whole of standard input (for --password-stdin). */
  stdin: () => Promise<string>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const defaultIo: CliIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n'), stdin: readStdin };

function withCore<T>(fn: (core: Core) => T): Promise<T> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: pino.destination({ fd: 2, sync: true }) });
  const core = openCore({ config, log });
  return Promise.resolve()
    .then(() => fn(core))
    .finally(() => core.close());
}

export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const config = loadConfig();
        const log = createLogger({ level: config.logLevel });
        const starting = startServer({ config, log });
        exitOnSignal(starting, config, log);
        const server = await starting;
        io.err(`Nocturn is running. Staff app: ${server.staffUrl}  (public listener for the tunnel: ${server.publicUrl})`);
        if (server.setupToken) {
          io.err(`First run: open ${server.staffUrl}/setup and enter the setup token ${server.setupToken} to create the first admin`);
          io.err('(or run: nocturn admin create --email you@hotel.example --password-stdin)');
        }
        return -1; // keeps running until a signal
      }
      case 'property': {
        if (sub === 'create') {
          const { values } = parseArgs({
            args: rest,
            options: {
              name: { type: 'string' },
              slug: { type: 'string' },
              timezone: { type: 'string' },
              currency: { type: 'string' },
              plan: { type: 'string' },
              'retention-days': { type: 'string' },
            },
            strict: true,
          });
          const input: Record<string, unknown> = { name: values.name, slug: values.slug, timezone: values.timezone };
          if (values.currency) input.currency = values.currency;
          if (values.plan) input.plan = values.plan;
          if (values['retention-days']) input.retentionDays = Number(values['retention-days']);
          const created = await withCore((core) => core.properties.create(input));
          io.out(JSON.stringify(created, null, 2));
          return 0;
        }
        if (sub === 'list') {
          const items = await withCore((core) => core.properties.list());
          if (items.length === 0) io.out('No properties yet. Create one with: nocturn property create --name N --slug S --timezone TZ');
          for (const p of items) io.out(`${p.slug}\t${p.name}\t${p.timezone}\t${p.active ? 'active' : 'inactive'}\t${p.id}`);
          return 0;
        }
        if (sub === 'show' && rest[0]) {
          const p = await withCore((core) => core.properties.get(rest[0]!));
          io.out(JSON.stringify(p, null, 2));
          return 0;
        }
        io.err(USAGE);
        return 2;
      }
      case 'admin': {
        if (sub !== 'create') {
          io.err(USAGE);
          return 2;
        }
        const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } }, strict: true });
        if (!values['password-stdin']) {
          io.err('Pass the password on standard input with --password-stdin (never as an argument).');
          return 2;
        }
        const password = (await io.stdin()).replace(/\r?\n$/, '');
        const email = values.email ?? '';
        const user = await withCore((core) =>
          core.users.create({ email, displayName: values.name ?? email.split('@')[0], password, role: 'admin', allProperties: true }, cliActor('nocturn admin create')),
        );
        io.out(JSON.stringify(user, null, 2));
        return 0;
      }
      case 'audit': {
        if (sub !== 'verify') {
          io.err(USAGE);
          return 2;
        }
        const result = await withCore((core) => core.audit.verify());
        io.out(JSON.stringify(result));
        if (!result.ok) io.err(`Audit log broken at row ${result.firstBrokenSeq}: ${result.reason}`);
        return result.ok ? 0 : 1;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command ? 0 : 2;
      default:
        io.err(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78;
    }
    if (err instanceof AppError) {
      const fields = (err.extra.errors as { path: string; message: string }[] | undefined) ?? [];
      io.err(`${err.title}: ${err.message}${fields.map((f) => `\n  - ${f.path || '(input)'}: ${f.message}`).join('')}`);
      return 1;
    }
    if (err instanceof Error && err.name === 'TypeError' && /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(String((err as { code?: string }).code ?? err.message))) {
      io.err(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`Error: ${(err as Error).message}`);
    return 1;
  }
}
