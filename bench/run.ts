// `npm run bench -- <name>`: runs one benchmark and prints its figures as JSON on stdout.
const benches: Record<string, () => Promise<unknown>> = {
  storage: async () => (await import('./storage.bench.js')).run(),
  pipeline: async () => (await import('./pipeline.bench.js')).run(),
  retrieval: async () => (await import('./retrieval.bench.js')).run(),
  ui: async () => (await import('./ui.bench.js')).run(),
  'widget-stream': async () => (await import('./widget-stream.bench.js')).run(),
  ingest: async () => (await import('./ingest.bench.js')).run(),
  reports: async () => (await import('./reports.bench.js')).run(),
  privacy: async () => (await import('./privacy.bench.js')).run(),
  leads: async () => (await import('./leads.bench.js')).run(),
  crash: async () => (await import('./crash.bench.js')).run(),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
const result = await bench();
console.log(JSON.stringify(result, null, 2));
