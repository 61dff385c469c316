import { Ollama, type ChatResponse, type Message } from 'ollama';
import {
  LlmAbortedError,
  LlmError,
  LlmRejectedError,
  LlmRateLimitedError,
  LlmTimeoutError,
  LlmUnavailableError,
  ModelMissingError,
  type LlmHealth,
  type LlmProvider,
  type LlmRequest,
  type LlmResult,
} from './llm.port.js';

interface OllamaAdapterOptions {
  /** Base URL of the Ollama server, always explicit (the client does not read OLLAMA_HOST). */
  host: string;
  model: string;
  /** Bound on the whole request, from connect to the last streamed chunk. */
  timeoutMs: number;
  /** Context window; Ollama's default (4096) is tight for a prompt with knowledge passages. */
  numCtx?: number;
  temperature?: number;
  /** How long Ollama keeps the model loaded after a request (Ollama's default is "5m"). */
  keepAlive?: string | number;
  /** Bound on /api/tags in health(). */
  healthTimeoutMs?: number;
}

interface OllamaAdapterDeps {
  fetch?: typeof fetch;
}

const MALFORMED = 'nocturn: malformed stream line from Ollama';

/**
 * Replaces NDJSON lines that do not parse with an in-stream error line, so the client reports a
 * broken stream as an error (and never prints the unparsable line, which may hold guest text).
 */
function guardNdjson(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  const checkLine = (line: string): string => {
    if (line.trim() === '') return '';
    try {
      JSON.parse(line);
      return `${line}\n`;
    } catch {
      return `${JSON.stringify({ error: MALFORMED })}\n`;
    }
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        const out = lines.map(checkLine).join('');
        if (out) controller.enqueue(encoder.encode(out));
      },
      flush(controller) {
        buffer += decoder.decode();
        const out = checkLine(buffer);
        if (out) controller.enqueue(encoder.encode(out));
      },
    }),
  );
}

/** The local model through the official `ollama` client: one client per request, streamed chat. */
export class OllamaAdapter implements LlmProvider {
  readonly name = 'ollama' as const;
  readonly model: string;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly opts: OllamaAdapterOptions,
    deps: OllamaAdapterDeps = {},
  ) {
    this.model = opts.model;
    this.fetchImpl = deps.fetch ?? globalThis.fetch;
  }

  /**
   * A client whose every HTTP call carries `signal`: the client's own abort() only reaches streams
   * and its non-streaming calls take no signal, so the timeout is enforced in fetch instead.
   */
  private client(signal: AbortSignal): Ollama {
    const base = this.fetchImpl;
    const boundFetch: typeof fetch = async (input, init) => {
      const signals = init?.signal ? [init.signal, signal] : [signal];
      const res = await base(input, { ...init, signal: AbortSignal.any(signals) });
      if (res.ok && res.body && res.headers.get('content-type')?.includes('application/x-ndjson')) {
        return new Response(guardNdjson(res.body), { status: res.status, statusText: res.statusText, headers: res.headers });
      }
      if (!res.ok && !res.headers.get('content-type')?.includes('application/json')) {
        // The client prints progress notes to stdout for non-JSON errors; stdout carries JSON logs only.
        const text = (await res.text().catch(() => '')).slice(0, 200);
        return new Response(JSON.stringify({ error: text || `HTTP ${res.status}` }), { status: res.status, headers: { 'content-type': 'application/json' } });
      }
      return res;
    };
    return new Ollama({ host: this.opts.host, fetch: boundFetch });
  }

  async generate(req: LlmRequest): Promise<LlmResult> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const finished = new AbortController();
    const signal = AbortSignal.any(req.signal ? [timeout, finished.signal, req.signal] : [timeout, finished.signal]);
    const client = this.client(signal);
    const messages: Message[] = [{ role: 'system', content: req.system }, ...req.messages.map((m) => ({ role: m.role, content: m.content }))];
    try {
      const stream = await client.chat({
        model: this.opts.model,
        messages,
        stream: true,
        ...(req.schema ? { format: req.schema } : {}),
        options: {
          temperature: this.opts.temperature ?? 0,
          num_ctx: this.opts.numCtx ?? 8192,
          ...(req.maxOutputTokens ? { num_predict: req.maxOutputTokens } : {}),
        },
        ...(this.opts.keepAlive !== undefined ? { keep_alive: this.opts.keepAlive } : {}),
      });
      let text = '';
      let last: ChatResponse | undefined;
      for await (const part of stream) {
        const chunk = part.message?.content ?? '';
        text += chunk;
        if (chunk && req.onDelta) req.onDelta(text, chunk);
        if (part.done) last = part;
      }
      if (!last) throw new LlmUnavailableError('ollama', 'the Ollama stream ended without a final chunk', { retryable: false });
      return {
        text,
        provider: 'ollama',
        model: this.opts.model,
        inputTokens: last.prompt_eval_count ?? 0,
        outputTokens: last.eval_count ?? 0,
        latencyMs: Math.round(performance.now() - started),
        costUsd: 0,
      };
    } catch (err) {
      throw this.mapError(err, timeout, req.signal);
    } finally {
      finished.abort();
      client.abort();
    }
  }

  async health(signal?: AbortSignal): Promise<LlmHealth> {
    const started = performance.now();
    const timeoutMs = this.opts.healthTimeoutMs ?? Math.min(this.opts.timeoutMs, 5_000);
    const timeout = AbortSignal.timeout(timeoutMs);
    const client = this.client(signal ? AbortSignal.any([timeout, signal]) : timeout);
    const result = (ok: boolean, detail: string): LlmHealth => ({
      provider: 'ollama',
      model: this.opts.model,
      ok,
      detail,
      latencyMs: Math.round(performance.now() - started),
    });
    try {
      const { models } = await client.list();
      const wanted = this.opts.model.includes(':') ? this.opts.model : `${this.opts.model}:latest`;
      const installed = models.some((m) => m.name === wanted || m.model === wanted || m.name === this.opts.model);
      return installed ? result(true, `Ollama is running and ${this.opts.model} is installed`) : result(false, new ModelMissingError('ollama', this.opts.model).message);
    } catch (err) {
      return result(false, this.mapError(err, timeout, signal).message);
    }
  }

  private mapError(err: unknown, timeout: AbortSignal, caller: AbortSignal | undefined): LlmError {
    if (timeout.aborted) return new LlmTimeoutError('ollama', this.opts.timeoutMs);
    if (caller?.aborted) return new LlmAbortedError('ollama');
    if (err instanceof LlmError) return err;
    const e = err as { name?: string; message?: string; status_code?: number; cause?: { code?: string } };
    if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
      const status = e.status_code;
      const message = String(e.message ?? '').slice(0, 200);
      if (status === 404 && /not found/i.test(message)) return new ModelMissingError('ollama', this.opts.model);
      if (status === 429) return new LlmRateLimitedError('ollama', undefined);
      if (status === 503) return new LlmUnavailableError('ollama', `Ollama is busy (503): ${message}`, { status });
      if (status >= 500) return new LlmUnavailableError('ollama', `Ollama failed (${status}): ${message}`, { status });
      if (status >= 400) return new LlmRejectedError('ollama', status, `Ollama refused the request (${status}): ${message}`);
      return new LlmUnavailableError('ollama', `unexpected Ollama status ${status}`, { status });
    }
    if (e?.name === 'TypeError' || e?.cause?.code) {
      const where = safeHost(this.opts.host);
      return new LlmUnavailableError('ollama', `cannot reach Ollama at ${where}${e.cause?.code ? ` (${e.cause.code})` : ''}; is it running?`);
    }
    const message = String(e?.message ?? 'unknown error').slice(0, 200);
    if (/not found.*pull/i.test(message)) return new ModelMissingError('ollama', this.opts.model);
    // An in-stream {"error": ...} line or a stream that ended early: the server is up but broken.
    return new LlmUnavailableError('ollama', `Ollama stream failed: ${message}`, { retryable: false });
  }
}

function safeHost(host: string): string {
  try {
    return new URL(host).host;
  } catch {
    return 'the configured host';
  }
}
