// Packs the app with electron-builder exactly as `npm run dist` would, but without internet: a
// stand-in Electron distribution replaces the download, and the native rebuild and fuse flipping
// (which need Electron's headers and real binary) are skipped. Then checks the layout: what is in
// app.asar, what is unpacked next to it, and that the model folders are shipped. Linux only.
//
//   npm run build && node build/pack-dry-run.mjs [--project <dir>]    (KEEP_PACK=1 keeps the output)
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const projectFlag = process.argv.indexOf('--project');
const project = path.resolve(projectFlag > 0 ? process.argv[projectFlag + 1] : path.join(here, '..'));

if (process.platform !== 'linux') {
  console.error('pack-dry-run: Linux only (the stand-in Electron is a Linux layout)');
  process.exit(2);
}
if (!existsSync(path.join(project, 'dist', 'main', 'main.js'))) {
  console.error(`pack-dry-run: ${project}/dist/main/main.js is missing; run "npm run build" first`);
  process.exit(2);
}

const builder = require('electron-builder');
const yaml = require('js-yaml');
const asar = require('@electron/asar');

const work = mkdtempSync(path.join(os.tmpdir(), 'nocturn-pack-'));
try {
  const fakeElectron = path.join(work, 'electron-dist');
  mkdirSync(path.join(fakeElectron, 'resources'), { recursive: true });
  mkdirSync(path.join(fakeElectron, 'locales'), { recursive: true });
  writeFileSync(path.join(fakeElectron, 'electron'), '#!/bin/sh\necho "stand-in Electron"\n');
  chmodSync(path.join(fakeElectron, 'electron'), 0o755);
  const config = yaml.load(readFileSync(path.join(here, '..', 'electron-builder.yml'), 'utf8'));
  writeFileSync(path.join(fakeElectron, 'version'), config.electronVersion);
  delete config.electronFuses; // the stand-in has no fuse wire
  config.npmRebuild = false; // needs Electron's headers from the internet
  config.electronDist = fakeElectron;
  config.directories = { ...config.directories, output: path.join(work, 'out') };
  const configFile = path.join(work, 'electron-builder.yml');
  writeFileSync(configFile, yaml.dump(config));

  await builder.build({ projectDir: project, config: configFile, targets: builder.Platform.LINUX.createTarget('dir') });

  const resources = path.join(work, 'out', 'linux-unpacked', 'resources');
  const files = asar.listPackage(path.join(resources, 'app.asar')).map((f) => f.replaceAll('\\', '/'));
  const problems = [];
  const expectIn = (file) => files.includes(file) || problems.push(`app.asar lacks ${file}`);
  for (const f of ['/package.json', '/dist/main/main.js', '/dist/main/preload.cjs', '/dist/main/passphrase-preload.cjs', '/dist/server/utility-entry.js', '/dist/server/db/migrations', '/dist/server/features/channels/widget/guest/widget.js', '/dist/renderer/index.html']) expectIn(f);
  if (existsSync(path.join(project, 'models', 'manifest.json'))) expectIn('/models/manifest.json');
  const allowed = new Set(['dist', 'node_modules', 'package.json', 'models']);
  const extra = [...new Set(files.map((f) => f.split('/')[1]))].filter((t) => !allowed.has(t));
  if (extra.length) problems.push(`app.asar holds more than dist/, node_modules/, package.json and the model manifest: ${extra.join(', ')}`);
  const modelFiles = files.filter((f) => f.startsWith('/models/') && f !== '/models/manifest.json');
  if (modelFiles.length) problems.push(`model files were packed into app.asar (they belong in resources/models): ${modelFiles.slice(0, 3).join(', ')}`);
  if (files.some((f) => f.startsWith('/node_modules/electron/'))) problems.push('the electron npm package was packed');
  if (files.some((f) => f.startsWith('/dist/') && f.endsWith('.map'))) problems.push('source maps were packed');
  const unpacked = path.join(resources, 'app.asar.unpacked', 'node_modules');
  for (const f of ['better-sqlite3/build/Release/better_sqlite3.node', `sqlite-vec-linux-${process.arch}/vec0.so`]) {
    if (!existsSync(path.join(unpacked, f))) problems.push(`app.asar.unpacked lacks ${f}`);
  }
  const modelFolders = existsSync(path.join(project, 'models')) ? readdirSync(path.join(project, 'models'), { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  if (modelFolders.length === 0) console.warn('pack-dry-run: models/ holds no model folders yet (npm run models:fetch); an installer built now would ship none');
  for (const d of modelFolders) if (!existsSync(path.join(resources, 'models', d.name))) problems.push(`resources/models/${d.name} is missing`);
  if (problems.length) {
    console.error(`pack-dry-run: FAILED\n  - ${problems.join('\n  - ')}`);
    process.exitCode = 1;
  } else {
    console.log(`pack-dry-run: OK (${files.length} entries in app.asar; native libraries unpacked; models/ shipped)`);
  }
} finally {
  if (!process.env.KEEP_PACK) rmSync(work, { recursive: true, force: true });
}
