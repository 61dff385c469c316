import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

/**
 * A stand-in for an Ollama server on loopback that speaks its real wire format (REFERENCE.md §3):
 * POST /api/chat streams NDJSON chunks (`done:false` ..., then a `done:true` chunk with the eval
 * counts) or answers one JSON object with `stream:false`; GET /api/tags, GET /api/version,
 * POST /api/embed; 404 for a model that is not installed.
 */

export interface OllamaChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  format?: unknown;
  options?: Record<string, unknown>;
  keep_alive?: string | number;
}

export type OllamaBehaviour =
  | {
      kind: 'reply';
      content: string | ((body: OllamaChatBody) => string);
      /** Characters per streamed chunk (default 4). */
      chunkSize?: number;
      /** Wait before the response headers. */
      delayMs?: number;
      /** Wait between streamed chunks. */
      chunkDelayMs?: number;
      promptEvalCount?: number;
      evalCount?: number;
    }
  /** An HTTP error with Ollama's `{"error": ...}` body. */
  | { kind: 'status'; status: number; error?: string }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Streams one chunk, then a line that is not JSON. */
  | { kind: 'malformed' }
  /** Streams one chunk, then an in-stream `{"error": ...}` line. */
  | { kind: 'stream-error'; error: string };

export interface OllamaStub {
  url: string;
  /** Installed models (as /api/tags lists them). */
  models: string[];
  /** Every request received, in order. */
  requests: { method: string; path: string; body: unknown }[];
  /** Number of POST /api/chat requests received. */
  chatCalls(): number;
  /** The content chunks of the latest streamed chat answer, each with when it was written (performance.now()). */
  lastStream(): { at: number; content: string }[];
  /** The behaviour for every following chat request. */
  behave(b: OllamaBehaviour): void;
  /** A behaviour for the next chat request only (queued before the default). */
  once(...b: OllamaBehaviour[]): void;
  close(): Promise<void>;
}

const sleep = (ms: number, timers: Set<NodeJS.Timeout>) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });

function installed(models: string[], name: string): boolean {
  const wanted = name.includes(':') ? name : `${name}:latest`;
  return models.includes(wanted) || models.includes(name);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function embedding(text: string, dims: number): number[] {
  const h = createHash('sha256').update(text).digest();
  const v = Array.from({ length: dims }, (_, i) => (h[i % h.length]! - 128) / 128);
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export async function startOllamaStub(opts: { models?: string[]; embedDims?: number } = {}): Promise<OllamaStub> {
  const models = [...(opts.models ?? ['qwen2.5:7b-instruct'])];
  const requests: OllamaStub['requests'] = [];
  const queue: OllamaBehaviour[] = [];
  let behaviour: OllamaBehaviour = { kind: 'reply', content: '{"reply":"Hello from the stub"}' };
  let chats = 0;
  let streamed: { at: number; content: string }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const now = () => new Date().toISOString();

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  async function chat(body: OllamaChatBody, res: http.ServerResponse): Promise<void> {
    chats += 1;
    if (!installed(models, body.model)) return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    const b = queue.shift() ?? behaviour;
    if (b.kind === 'hang') return;
    if (b.kind === 'status') return json(res, b.status, { error: b.error ?? 'llama runner process has terminated: exit status 2' });
    const stream = body.stream !== false;
    const content = b.kind === 'reply' ? (typeof b.content === 'function' ? b.content(body) : b.content) : '{"reply": "partial';
    if (b.kind === 'reply' && b.delayMs) await sleep(b.delayMs, timers);
    if (res.destroyed) return;
    const final = {
      model: body.model,
      created_at: now(),
      message: { role: 'assistant', content: stream ? '' : content },
      done_reason: 'stop',
      done: true,
      total_duration: 1_200_000_000,
      load_duration: 50_000_000,
      prompt_eval_count: b.kind === 'reply' ? (b.promptEvalCount ?? 42) : 42,
      prompt_eval_duration: 300_000_000,
      eval_count: b.kind === 'reply' ? (b.evalCount ?? 17) : 17,
      eval_duration: 800_000_000,
    };
    if (!stream) return json(res, 200, final);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
    const size = b.kind === 'reply' ? (b.chunkSize ?? 4) : 4;
    const chunks: string[] = [];
    for (let i = 0; i < content.length; i += size) chunks.push(content.slice(i, i + size));
    if (b.kind !== 'reply') {
      line({ model: body.model, created_at: now(), message: { role: 'assistant', content: chunks[0] ?? '' }, done: false });
      res.end(b.kind === 'malformed' ? '{"model": "x", "message": {"content": "Siti, +60 12-345 6789\n' : `${JSON.stringify({ error: b.error })}\n`);
      return;
    }
    streamed = [];
    for (const c of chunks) {
      if (res.destroyed) return;
      line({ model: body.model, created_at: now(), message: { role: 'assistant', content: c }, done: false });
      streamed.push({ at: performance.now(), content: c });
      if (b.chunkDelayMs) await sleep(b.chunkDelayMs, timers);
    }
    if (res.destroyed) return;
    res.end(`${JSON.stringify(final)}\n`);
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const raw = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown = undefined;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return json(res, 400, { error: 'invalid JSON' });
      }
      requests.push({ method: req.method ?? 'GET', path, body });
      if (req.method === 'POST' && path === '/api/chat') return chat(body as OllamaChatBody, res);
      if (req.method === 'GET' && path === '/api/tags') {
        return json(res, 200, {
          models: models.map((name) => ({
            name,
            model: name,
            modified_at: now(),
            size: 4_683_087_332,
            digest: createHash('sha256').update(name).digest('hex'),
            details: { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
          })),
        });
      }
      if (req.method === 'GET' && path === '/api/version') return json(res, 200, { version: '0.12.6' });
      if (req.method === 'POST' && path === '/api/embed') {
        const b = body as { model: string; input: string | string[] };
        if (!installed(models, b.model)) return json(res, 404, { error: `model "${b.model}" not found, try pulling it first` });
        const inputs = Array.isArray(b.input) ? b.input : [b.input];
        return json(res, 200, {
          model: b.model,
          embeddings: inputs.map((t) => embedding(t, opts.embedDims ?? 8)),
          total_duration: 14_000_000,
          load_duration: 1_000_000,
          prompt_eval_count: inputs.length * 8,
        });
      }
      json(res, 404, { error: 'not found' });
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'stub failure' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    models,
    requests,
    chatCalls: () => chats,
    lastStream: () => [...streamed],
    behave: (b) => {
      behaviour = b;
    },
    once: (...b) => {
      queue.push(...b);
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
