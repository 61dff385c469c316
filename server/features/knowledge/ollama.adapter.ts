import { z } from 'zod';
import { UpstreamError } from '../../shared/errors.js';
import { l2normalize, type EmbedKind, type Embedder } from './embedder.port.js';

export interface OllamaEmbedOptions {
  /** Base URL, for example http://127.0.0.1:11434. */
  host: string;
  model: string;
  timeoutMs?: number;
  batchSize?: number;
  fetch?: typeof fetch;
}

const EmbedResponse = z.object({ embeddings: z.array(z.array(z.number())).min(1) });
const ErrorResponse = z.object({ error: z.string() });

/** Embeddings from a local Ollama through its `POST /api/embed` endpoint. */
export class OllamaEmbedder implements Embedder {
  readonly name: string;
  private dim: number | undefined;

  constructor(private readonly opts: OllamaEmbedOptions) {
    this.name = `ollama:${opts.model}`;
  }

  async dimension(): Promise<number> {
    if (this.dim === undefined) this.dim = (await this.call(['dimension probe']))[0]!.length;
    return this.dim;
  }

  async embed(texts: string[], _kind: EmbedKind): Promise<Float32Array[]> {
    const batch = this.opts.batchSize ?? 32;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batch) out.push(...(await this.call(texts.slice(i, i + batch))));
    return out;
  }

  private async call(input: string[]): Promise<Float32Array[]> {
    const url = new URL('/api/embed', this.opts.host);
    const doFetch = this.opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: this.opts.model, input, truncate: true }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs ?? 30_000} ms` : e.message;
      throw new UpstreamError(`Ollama at ${this.opts.host} did not answer the embedding request (${why})`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const message = ErrorResponse.safeParse(body).data?.error ?? text.slice(0, 200);
      if (res.status === 404) throw new UpstreamError(`Ollama has no model "${this.opts.model}" (${message}); run: ollama pull ${this.opts.model}`);
      throw new UpstreamError(`Ollama answered ${res.status} to the embedding request: ${message}`);
    }
    const parsed = EmbedResponse.safeParse(body);
    if (!parsed.success || parsed.data.embeddings.length !== input.length) {
      throw new UpstreamError('Ollama answered the embedding request with an unexpected body');
    }
    const vectors = parsed.data.embeddings.map((v) => l2normalize(v));
    const dim = vectors[0]!.length;
    if (vectors.some((v) => v.length !== dim) || dim === 0) throw new UpstreamError('Ollama returned embeddings of differing sizes');
    return vectors;
  }

  async close(): Promise<void> {}
}
