import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ask, parseAskFile } from './ask.js';
import { runDemo } from './demo.js';
import { runOps } from './ops.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { openCore, type Core } from '../core.js';
import { UI_NOT_BUILT } from '../http/apps.js';
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
  backup                                  take an encrypted online backup now (prints the file)
  restore <file> [--data-dir DIR]         restore a backup into an empty data directory
  guest export --phone P | --email E [--html FILE]
  guest erase --phone P | --email E [--yes]
                                          a guest's data: export everything held, or erase it
  keys rotate-master --new-key-stdin | --new-passphrase-stdin
  retention run [--property S]            purge what is past each hotel's retention period now
  offboard --property S --export FILE [--yes]
                                          export a hotel, then destroy its key and database
  ask --property S [--today YYYY-MM-DD] "message"
                                          run one guest message through the whole pipeline; prints JSON
  ask --property S --file questions.jsonl one JSON outcome per line of {"id","text"} (test a list of questions)
  kb import --property P <file> [--category C]
                                          import Markdown, text, HTML, PDF, DOCX, or a CSV/JSON of Q&A
  kb search --property P [--k N] "<question>"
                                          what the assistant would retrieve, as JSON
  report rebuild --property S             recompute a hotel's report figures from its conversations and leads,
                                          removing what test questions of earlier versions left
  demo                                    two demo hotels with sample knowledge and conversations
                                          (and a demo admin when there is no account yet)

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
    if (command) {
      const handled = await runOps(command, sub, rest, io, withCore);
      if (handled !== undefined) return handled;
    }
    switch (command) {
      case 'serve': {
        const config = loadConfig();
        const log = createLogger({ level: config.logLevel });
        const starting = startServer({ config, log });
        exitOnSignal(starting, config, log);
        const server = await starting;
        io.err(`Nocturn is running. Staff app: ${server.staffUrl}  (public listener for the tunnel: ${server.publicUrl})`);
        if (server.uiNotBuilt) io.err(`${UI_NOT_BUILT} (looked in ${server.uiNotBuilt})`);
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
      case 'demo': {
        const result = await withCore((core) => runDemo(core));
        io.out(JSON.stringify(result, null, 2));
        if (result.admin) io.err(`Demo admin created: sign in as ${result.admin.email} with the password ${result.admin.password} (shown once).`);
        io.err(`Demo ready: ${result.hotels.map((h) => h.name).join(' and ')}. Start Nocturn with: nocturn serve`);
        return 0;
      }
      case 'ask': {
        const { values, positionals } = parseArgs({
          args: [sub, ...rest].filter((a): a is string => a !== undefined),
          options: { property: { type: 'string' }, today: { type: 'string' }, file: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        if (!values.property || (!values.file && !positionals[0])) {
          io.err('Usage: nocturn ask --property <slug> [--today YYYY-MM-DD] "<message>"  |  --file questions.jsonl');
          return 2;
        }
        const lines = values.file ? parseAskFile(readFileSync(values.file, 'utf8')) : [{ text: positionals.join(' ') }];
        const results = await withCore((core) => ask(core, values.property!, lines, values.today));
        for (const r of results) io.out(JSON.stringify(r));
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
      case 'report': {
        const { values } = parseArgs({ args: rest, options: { property: { type: 'string' } }, strict: true });
        if (sub !== 'rebuild' || !values.property) {
          io.err(USAGE);
          return 2;
        }
        const result = await withCore((core) => core.reports.rebuild(core.properties.scope(values.property!), { removeTestTraffic: true }));
        io.out(JSON.stringify(result, null, 2));
        return 0;
      }
      case 'kb': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { property: { type: 'string' }, category: { type: 'string' }, k: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        if (!values.property || positionals.length !== 1 || (sub !== 'import' && sub !== 'search')) {
          io.err(USAGE);
          return 2;
        }
        if (sub === 'import') {
          const file = positionals[0]!;
          const bytes = await readFile(file);
          const result = await withCore(async (core) => {
            const imported = await core.knowledge.import(
              values.property!,
              { bytes, contentType: undefined, query: { filename: path.basename(file), ...(values.category ? { category: values.category } : {}) } },
              'nocturn kb import',
              cliActor('nocturn kb import'),
            );
            // With an embedder, wait for the new chunks' vectors so the import is complete when this returns.
            const off = core.knowledge.onProgress((p) => io.err(`indexing: ${p.embedded}/${p.chunks} chunks embedded (${p.state})`));
            await core.knowledge.whenIdle(values.property!).finally(off);
            return imported;
          });
          io.out(JSON.stringify(result, null, 2));
          return 0;
        }
        const result = await withCore((core) => core.knowledge.search(values.property!, { query: positionals[0], ...(values.k ? { k: Number(values.k) } : {}) }));
        io.out(JSON.stringify(result, null, 2));
        return 0;
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
