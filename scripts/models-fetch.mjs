// `npm run models:fetch`: downloads the embedding model named in models/manifest.json into
// models/<id>/ and checks every file against the manifest's hash before installing it.
// Nocturn itself never downloads anything; without these files it searches lexically only.
/* global fetch, AbortController */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    dir: { type: 'string' },
    'base-url': { type: 'string', default: 'https://huggingface.co' },
    check: { type: 'boolean', default: false },
    'connect-timeout': { type: 'string', default: '20000' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`Usage: npm run models:fetch -- [--model ID] [--dir DIR] [--base-url URL] [--check]

Downloads the files of the embedding model (default: models/manifest.json's "default") into
DIR/<id>/ (default DIR: $NOCTURN_MODELS_DIR or models/), verifying each one's hash.
  --check      only verify files already present; no network
  --base-url   a mirror of the model hub (same path layout)`);
  process.exit(0);
}

const manifest = JSON.parse(readFileSync(path.join(root, 'models', 'manifest.json'), 'utf8'));
const id = values.model ?? manifest.default;
const model = manifest.models.find((m) => m.id === id);
if (!model) {
  console.error(`models:fetch: "${id}" is not in models/manifest.json (known: ${manifest.models.map((m) => m.id).join(', ')})`);
  process.exit(2);
}
const modelsDir = path.resolve(values.dir ?? process.env.NOCTURN_MODELS_DIR ?? path.join(root, 'models'));
const dest = path.join(modelsDir, ...model.id.split('/'));

async function hashes(file) {
  const size = statSync(file).size;
  const sha256 = createHash('sha256');
  const gitSha1 = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(file)) {
    sha256.update(chunk);
    gitSha1.update(chunk);
  }
  return { size, sha256: sha256.digest('hex'), gitBlobSha1: gitSha1.digest('hex') };
}

/** null when the file matches the manifest, else why not. */
async function mismatch(file, entry) {
  const h = await hashes(file);
  if (entry.sha256 && h.sha256 !== entry.sha256) return `sha256 ${h.sha256}, expected ${entry.sha256}`;
  if (entry.gitBlobSha1 && h.gitBlobSha1 !== entry.gitBlobSha1) return `git blob SHA-1 ${h.gitBlobSha1}, expected ${entry.gitBlobSha1}`;
  if (!entry.sha256 && !entry.gitBlobSha1) return 'the manifest names no hash for it';
  return null;
}

function offline(url, err) {
  const cause = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(err);
  console.error(
    `models:fetch: cannot download ${url} (${cause}).\n` +
      'This machine seems to have no internet access (or cannot reach the model hub).\n' +
      `Run "npm run models:fetch" on a machine that has it, then copy the folder ${path.relative(root, dest) || dest} here\n` +
      '(or point NOCTURN_MODELS_DIR at it). Until then Nocturn searches knowledge bases lexically only, and GET /ready says so.',
  );
  process.exit(1);
}

async function download(entry) {
  const file = path.join(dest, ...entry.path.split('/'));
  if (existsSync(file)) {
    const why = await mismatch(file, entry);
    if (!why) {
      console.error(`ok       ${entry.path} (already present, verified)`);
      return file;
    }
    if (values.check) throw new Error(`${entry.path}: ${why}`);
    console.error(`replace  ${entry.path}: ${why}`);
  } else if (values.check) {
    throw new Error(`${entry.path}: missing`);
  }
  const url = `${values['base-url'].replace(/\/$/, '')}/${model.id}/resolve/${model.revision ?? 'main'}/${entry.path}`;
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(new Error(`no answer within ${values['connect-timeout']} ms`)), Number(values['connect-timeout']));
  let res;
  try {
    res = await fetch(url, { signal: connect.signal, redirect: 'follow' });
  } catch (err) {
    offline(url, err.name === 'AbortError' ? { message: String(connect.signal.reason?.message ?? 'timed out') } : err);
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok || !res.body) throw new Error(`${entry.path}: the hub answered ${res.status} ${res.statusText} for ${url}`);
  mkdirSync(path.dirname(file), { recursive: true });
  const part = `${file}.part`;
  const total = Number(res.headers.get('content-length') ?? 0);
  let got = 0;
  let shown = 0;
  const body = Readable.fromWeb(res.body);
  body.on('data', (c) => {
    got += c.length;
    if (total > 10_000_000 && got / total - shown >= 0.1) {
      shown = got / total;
      console.error(`         ${entry.path}: ${Math.round(shown * 100)}%`);
    }
  });
  await pipeline(body, createWriteStream(part));
  const why = await mismatch(part, entry);
  if (why) {
    rmSync(part, { force: true });
    throw new Error(`${entry.path}: downloaded, but ${why}. The file on the hub changed or the download was damaged; nothing was installed. If the model was updated on purpose, update models/manifest.json.`);
  }
  renameSync(part, file);
  console.error(`fetched  ${entry.path} (${got} bytes, verified)`);
  return file;
}

try {
  console.error(`${values.check ? 'Checking' : 'Fetching'} ${model.id} (${model.licence}) into ${dest}`);
  const installed = [];
  for (const entry of model.files) installed.push({ path: entry.path, ...(await hashes(await download(entry))) });
  console.log(JSON.stringify({ model: model.id, dir: dest, files: installed }, null, 2));
  console.error(`Done. Restart Nocturn (NOCTURN_EMBEDDER=auto picks the model up) and it re-indexes every hotel's knowledge base in the background.`);
} catch (err) {
  console.error(`models:fetch: ${err.message}`);
  process.exit(1);
}
