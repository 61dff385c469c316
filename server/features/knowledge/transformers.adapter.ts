import { existsSync } from 'node:fs';
import path from 'node:path';
import { l2normalize, type EmbedKind, type Embedder } from './embedder.port.js';

export interface TransformersOptions {
  /** Folder holding `<owner>/<model>/` model folders (transformers.js `env.localModelPath`). */
  modelsDir: string;
  /** Model id, for example `Xenova/paraphrase-multilingual-MiniLM-L12-v2`. */
  modelId: string;
  /** ONNX weights to load; default: quantized when `onnx/model_quantized.onnx` exists, else fp32. */
  dtype?: 'fp32' | 'q8';
  /** Prefixes some models are trained with (E5: "query: " / "passage: "). */
  queryPrefix?: string;
  passagePrefix?: string;
  /** Texts per model call. */
  batchSize?: number;
}

type Extractor = ((texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<{ dims: number[]; data: Float32Array }>) & { dispose(): Promise<void> };

/** Files transformers.js needs in a model folder, for a clear "missing" message before loading. */
export function missingModelFiles(modelsDir: string, modelId: string): string[] {
  const dir = path.join(modelsDir, ...modelId.split('/'));
  const need = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
  const missing = need.filter((f) => !existsSync(path.join(dir, f)));
  if (!existsSync(path.join(dir, 'onnx', 'model_quantized.onnx')) && !existsSync(path.join(dir, 'onnx', 'model.onnx'))) missing.push('onnx/model_quantized.onnx (or onnx/model.onnx)');
  return missing;
}

/**
 * Sentence embeddings with transformers.js on onnxruntime-node, from files on disk only:
 * `env.allowRemoteModels = false`, so a missing file is an error here, never a download.
 */
export class TransformersEmbedder implements Embedder {
  readonly name: string;
  private extractor: Promise<Extractor> | undefined;
  private dim: number | undefined;

  constructor(private readonly opts: TransformersOptions) {
    this.name = `transformers:${opts.modelId}`;
  }

  private load(): Promise<Extractor> {
    this.extractor ??= (async () => {
      const missing = missingModelFiles(this.opts.modelsDir, this.opts.modelId);
      if (missing.length) {
        throw new Error(`model ${this.opts.modelId} is not in ${this.opts.modelsDir} (missing ${missing.join(', ')}); run "npm run models:fetch" on a machine with internet and copy models/ here`);
      }
      const { env, pipeline } = await import('@huggingface/transformers');
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.useFSCache = false;
      env.localModelPath = this.opts.modelsDir.endsWith(path.sep) ? this.opts.modelsDir : this.opts.modelsDir + path.sep;
      const dtype = this.opts.dtype ?? (existsSync(path.join(this.opts.modelsDir, ...this.opts.modelId.split('/'), 'onnx', 'model_quantized.onnx')) ? 'q8' : 'fp32');
      const extractor = await pipeline('feature-extraction', this.opts.modelId, { dtype, device: 'cpu', local_files_only: true });
      return extractor as unknown as Extractor;
    })();
    this.extractor.catch(() => (this.extractor = undefined));
    return this.extractor;
  }

  async dimension(): Promise<number> {
    if (this.dim === undefined) this.dim = (await this.embed(['dimension probe'], 'query'))[0]!.length;
    return this.dim;
  }

  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    const extractor = await this.load();
    const prefix = (kind === 'query' ? this.opts.queryPrefix : this.opts.passagePrefix) ?? '';
    const batch = this.opts.batchSize ?? 16;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batch) {
      const part = texts.slice(i, i + batch).map((t) => prefix + t);
      const tensor = await extractor(part, { pooling: 'mean', normalize: true });
      const dim = tensor.dims[tensor.dims.length - 1]!;
      for (let r = 0; r < part.length; r++) out.push(l2normalize(tensor.data.subarray(r * dim, (r + 1) * dim)));
    }
    return out;
  }

  async close(): Promise<void> {
    const e = this.extractor;
    this.extractor = undefined;
    if (e) await (await e.catch(() => undefined))?.dispose();
  }
}
