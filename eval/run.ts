/**
 * `npm run eval`: loads the Serai evaluation hotels into a fresh, temporary data directory through
 * the `nocturn` command, runs every guest message with `nocturn ask --file`, and prints the
 * figures of shared/EVAL.md as one JSON object, for the tune part, the holdout part and both.
 *
 *   npm run eval [-- --split tune|holdout] [--details FILE] [--with-model] [--keep]
 *
 * With no flag no model answers: the local model address points at a closed loopback port and
 * no cloud provider is set. --with-model passes the NOCTURN_OLLAMA_* and NOCTURN_CLOUD_* settings
 * of this shell through. The holdout part is for reporting only; never tune anything to it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkSet, scoreMessage, summarise, type AskOutcome, type EvalMessage, type MessageResult, type Split } from './score.js';

const TODAY = '2026-12-07';
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
// The CLI from the sources through tsx, never a dist/ build that may be older than the tree being measured.
const CLI = ['--import', 'tsx', path.join(root, 'server', 'cli', 'bin.ts')];
const ASK_TIMEOUT_MS = 10 * 60_000;

interface Hotel {
  slug: string;
  name: string;
  timezone: string;
  currency: string;
  country: string;
  items: { category: string; title: string; content: string }[];
}

function readSplit(split: Split): EvalMessage[] {
  return readFileSync(path.join(here, `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalMessage);
}

function childEnv(dataDir: string, withModel: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('NOCTURN_')) env[k] = v;
    else if (withModel && /^NOCTURN_(OLLAMA|CLOUD|LLM|EMBED)/.test(k)) env[k] = v;
  }
  env.NOCTURN_DATA_DIR = dataDir;
  env.NOCTURN_LOG_LEVEL = 'error';
  if (!withModel) {
    // Port 9 (discard) on loopback: nothing listens, so the local model is refused at once.
    env.NOCTURN_OLLAMA_HOST = 'http://127.0.0.1:9';
    env.NOCTURN_CLOUD_PROVIDER = 'none';
    env.NOCTURN_LLM_RETRIES = '0';
  }
  return env;
}

function nocturn(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGTERM'), ASK_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`nocturn ${args.slice(0, 2).join(' ')} exited with ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`));
    });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { split: { type: 'string' }, details: { type: 'string' }, 'with-model': { type: 'boolean' }, keep: { type: 'boolean' } },
    strict: true,
  });
  if (values.split && values.split !== 'tune' && values.split !== 'holdout') {
    process.stderr.write('--split is tune or holdout\n');
    return 2;
  }
  const splits: Split[] = values.split ? [values.split as Split] : ['tune', 'holdout'];
  const { hotels } = JSON.parse(readFileSync(path.join(here, 'hotels.json'), 'utf8')) as { hotels: Hotel[] };
  const messages = splits.flatMap((s) => readSplit(s).map((m) => ({ m, split: s })));
  const problems = checkSet(
    messages.map(({ m }) => m),
    hotels,
  );
  if (problems.length) {
    process.stderr.write(`The evaluation set has ${problems.length} problem(s):\n${problems.join('\n')}\n`);
    return 1;
  }

  const started = Date.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-eval-'));
  const withModel = !!values['with-model'];
  const env = childEnv(dataDir, withModel);
  const outcomes = new Map<string, AskOutcome>();
  try {
    for (const hotel of hotels) {
      await nocturn(['property', 'create', '--name', hotel.name, '--slug', hotel.slug, '--timezone', hotel.timezone, '--currency', hotel.currency], env);
      const kbFile = path.join(dataDir, `${hotel.slug}-knowledge.json`);
      writeFileSync(kbFile, JSON.stringify({ items: hotel.items.map((i) => ({ title: i.title, content: i.content, category: i.category })) }));
      const imported = JSON.parse(await nocturn(['kb', 'import', '--property', hotel.slug, kbFile], env)) as { items: { title: string; category: string }[] };
      const kept = new Set(imported.items.map((i) => `${i.category}\u0000${i.title}`));
      const lost = hotel.items.filter((i) => !kept.has(`${i.category}\u0000${i.title}`));
      if (lost.length) throw new Error(`kb import changed the title or category of: ${lost.map((i) => i.title).join(', ')}`);

      const own = messages.filter(({ m }) => m.hotel === hotel.slug);
      if (own.length === 0) continue;
      const askFile = path.join(dataDir, `${hotel.slug}-questions.jsonl`);
      writeFileSync(askFile, own.map(({ m }) => JSON.stringify({ id: m.id, text: m.text })).join('\n') + '\n');
      const out = await nocturn(['ask', '--property', hotel.slug, '--today', TODAY, '--file', askFile], env);
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const o = JSON.parse(line) as AskOutcome;
        if (o.id) outcomes.set(o.id, o);
      }
    }
  } finally {
    if (values.keep) process.stderr.write(`Data directory kept: ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }

  const titlesByHotel = new Map(hotels.map((h) => [h.slug, new Set(h.items.map((i) => i.title))]));
  const scored = messages.map(({ m, split }) => ({ m, split, r: scoreMessage(m, split, outcomes.get(m.id), titlesByHotel) }));
  const part = (s: Split) => scored.filter((x) => x.split === s);
  const report: Record<string, unknown> = {
    set: { today: TODAY, hotels: hotels.length, messages: messages.length, tune: part('tune').length, holdout: part('holdout').length },
    model: withModel ? 'as configured (--with-model)' : 'none',
    ranAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  for (const s of splits) report[s] = summarise(part(s));
  if (splits.length > 1) report.all = summarise(scored);
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');

  if (values.details) {
    const lines = scored.map(({ r }): MessageResult => r);
    writeFileSync(values.details, lines.map((r) => JSON.stringify(r)).join('\n') + '\n');
    process.stderr.write(`Per-message outcomes written to ${values.details}\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
