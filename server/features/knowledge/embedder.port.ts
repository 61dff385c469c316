/**
 * Turns text into vectors for the knowledge index. Adapters: transformers.js (model files under
 * models/, remote loading disabled) and Ollama. Vectors are L2-normalised so cosine distance in
 * sqlite-vec is the similarity the relevance threshold is written in.
 */
export type EmbedKind = 'query' | 'passage';

export interface Embedder {
  /** Stable identity stored with the index, for example `transformers:Xenova/paraphrase-multilingual-MiniLM-L12-v2`. */
  readonly name: string;
  /** Loads the model if needed and reports its output dimension. */
  dimension(): Promise<number>;
  /** One vector per text, in order. */
  embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export function l2normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  let sum = 0;
  for (const x of out) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

export type EmbedderState = 'disabled' | 'missing' | 'loading' | 'ready' | 'failed';

export interface EmbedderStatus {
  name: string;
  state: EmbedderState;
  dimension?: number;
  detail?: string;
}

/**
 * Wraps the configured embedder (or none) with what the service needs: one load at a time, the
 * load's outcome remembered for /ready, and a clear reason when search is lexical only.
 */
export class EmbedderHandle {
  private loading: Promise<number> | undefined;
  private status_: EmbedderStatus;

  constructor(
    readonly embedder: Embedder | undefined,
    unavailable?: { name: string; state: 'disabled' | 'missing'; detail: string },
  ) {
    this.status_ = embedder ? { name: embedder.name, state: 'loading', detail: 'not loaded yet' } : { name: unavailable?.name ?? 'none', state: unavailable?.state ?? 'disabled', detail: unavailable?.detail ?? 'no embedder configured' };
  }

  status(): EmbedderStatus {
    return { ...this.status_ };
  }

  /** The embedder once it has loaded; undefined (never a throw) when there is none or it failed. */
  async ready(): Promise<{ embedder: Embedder; dimension: number } | undefined> {
    const e = this.embedder;
    if (!e) return undefined;
    this.loading ??= e.dimension().then(
      (dimension) => {
        this.status_ = { name: e.name, state: 'ready', dimension };
        return dimension;
      },
      (err: unknown) => {
        this.status_ = { name: e.name, state: 'failed', detail: (err as Error).message };
        // Let a later call try again (Ollama may come up after Nocturn).
        setTimeout(() => (this.loading = undefined), 30_000).unref();
        throw err;
      },
    );
    try {
      return { embedder: e, dimension: await this.loading };
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.embedder?.close();
  }
}
