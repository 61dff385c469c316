import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../shared/logger.js';
import { projectRoot } from '../../shared/paths.js';
import { EmbedderHandle } from './embedder.port.js';
import { OllamaEmbedder } from './ollama.adapter.js';
import { missingModelFiles, TransformersEmbedder } from './transformers.adapter.js';

export interface EmbedderConfig {
  /** auto: transformers.js when the model's files are in modelsDir, else none (lexical only). */
  embedder: 'auto' | 'none' | 'transformers' | 'ollama';
  /** Model id; default: the manifest's default (transformers) or DEFAULT_OLLAMA_EMBED_MODEL. */
  embedModel: string | undefined;
  modelsDir: string;
  ollamaHost: string;
}

const DEFAULT_OLLAMA_EMBED_MODEL = 'bge-m3';

const ManifestModel = z.object({
  id: z.string(),
  dtype: z.enum(['fp32', 'q8']).optional(),
  queryPrefix: z.string().optional(),
  passagePrefix: z.string().optional(),
});
const Manifest = z.object({ default: z.string(), models: z.array(ManifestModel.passthrough()) }).passthrough();
export type ModelManifest = z.infer<typeof Manifest>;

/** models/manifest.json as shipped with this build. */
function readManifest(file = path.join(projectRoot(), 'models', 'manifest.json')): ModelManifest | undefined {
  if (!existsSync(file)) return undefined;
  return Manifest.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The configured embedder, or none with the reason search is lexical only. */
export function createEmbedder(cfg: EmbedderConfig, log: Logger, manifest = readManifest()): EmbedderHandle {
  if (cfg.embedder === 'none') return new EmbedderHandle(undefined, { name: 'none', state: 'disabled', detail: 'NOCTURN_EMBEDDER=none: lexical search only' });
  if (cfg.embedder === 'ollama') {
    const model = cfg.embedModel ?? DEFAULT_OLLAMA_EMBED_MODEL;
    return new EmbedderHandle(new OllamaEmbedder({ host: cfg.ollamaHost, model }));
  }
  const modelId = cfg.embedModel ?? manifest?.default;
  if (!modelId) return new EmbedderHandle(undefined, { name: 'none', state: 'missing', detail: 'no model named: set NOCTURN_EMBED_MODEL or restore models/manifest.json' });
  const missing = missingModelFiles(cfg.modelsDir, modelId);
  if (missing.length && cfg.embedder === 'auto') {
    const detail = `lexical-only: the embedding model ${modelId} is not in ${cfg.modelsDir} (missing ${missing.join(', ')}); run "npm run models:fetch" where there is internet`;
    log.warn({ modelId, modelsDir: cfg.modelsDir }, 'no embedding model installed: knowledge search is lexical only');
    return new EmbedderHandle(undefined, { name: `transformers:${modelId}`, state: 'missing', detail });
  }
  const entry = manifest?.models.find((m) => m.id === modelId);
  return new EmbedderHandle(
    new TransformersEmbedder({
      modelsDir: cfg.modelsDir,
      modelId,
      ...(entry?.dtype ? { dtype: entry.dtype } : {}),
      ...(entry?.queryPrefix ? { queryPrefix: entry.queryPrefix } : {}),
      ...(entry?.passagePrefix ? { passagePrefix: entry.passagePrefix } : {}),
    }),
  );
}
