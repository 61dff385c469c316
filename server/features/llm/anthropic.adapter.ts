import { z } from 'zod';
import { cloudApiKey, cloudHealth, cloudResult, maxOutputTokens, postJson, unfence, type CloudAdapterDeps, type CloudAdapterOptions } from './cloud-http.js';
import { providerSchema } from './json-schema.js';
import {
  InvalidModelOutputError,
  LlmUnavailableError,
  type LlmHealth,
  type LlmMessage,
  type LlmProvider,
  type LlmRequest,
  type LlmResult,
} from './llm.port.js';

const ANTHROPIC_VERSION = '2023-06-01';

const MessageResponse = z.object({
  model: z.string().optional(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()),
  stop_reason: z.string().nullish(),
  usage: z.object({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() }).loose().nullish(),
});

/** Anthropic wants user/assistant turns strictly alternating, starting with the user. */
function alternate(messages: LlmMessage[]): LlmMessage[] {
  const out: LlmMessage[] = [];
  for (const m of messages) {
    const prev = out[out.length - 1];
    if (prev && prev.role === m.role) prev.content = `${prev.content}\n\n${m.content}`;
    else out.push({ role: m.role, content: m.content });
  }
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: '(conversation continues)' });
  return out;
}

/** Anthropic `/v1/messages`. The schema goes into the system prompt; the reply is validated by the caller. */
export class AnthropicAdapter implements LlmProvider {
  readonly name = 'anthropic' as const;
  readonly model: string;

  constructor(
    private readonly opts: CloudAdapterOptions,
    private readonly deps: CloudAdapterDeps,
  ) {
    this.model = opts.model;
  }

  async generate(req: LlmRequest): Promise<LlmResult> {
    const started = performance.now();
    const key = await cloudApiKey(this.deps, 'anthropic');
    const system = req.schema
      ? `${req.system}\n\nAnswer with one JSON object only (no prose, no code fence) that matches this JSON Schema:\n${JSON.stringify(providerSchema(req.schema))}`
      : req.system;
    const json = await postJson({
      provider: 'anthropic',
      opts: this.opts,
      deps: this.deps,
      path: '/messages',
      headers: { 'x-api-key': key, 'anthropic-version': ANTHROPIC_VERSION },
      body: { model: this.opts.model, max_tokens: maxOutputTokens(req, this.opts), system, messages: alternate(req.messages) },
      signal: req.signal,
    });
    const parsed = MessageResponse.safeParse(json);
    if (!parsed.success) throw new LlmUnavailableError('anthropic', 'the messages response did not have the expected shape', { retryable: false });
    const { stop_reason: stop, usage } = parsed.data;
    if (stop === 'max_tokens') throw new InvalidModelOutputError('anthropic', 'the reply was cut off at the token limit');
    if (stop === 'refusal') throw new InvalidModelOutputError('anthropic', 'the model refused to answer');
    const text = parsed.data.content
      .filter((b) => b.type === 'text')
      .map((b) => b.text ?? '')
      .join('');
    return cloudResult('anthropic', this.opts, started, {
      text: req.schema ? unfence(text) : text,
      model: parsed.data.model,
      inputTokens: usage?.input_tokens ?? 0,
      outputTokens: usage?.output_tokens ?? 0,
    });
  }

  health(): Promise<LlmHealth> {
    return cloudHealth(this.deps, 'anthropic', this.opts.model);
  }
}
