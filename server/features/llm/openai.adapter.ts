import { z } from 'zod';
import { cloudApiKey, cloudHealth, cloudResult, maxOutputTokens, postJson, type CloudAdapterDeps, type CloudAdapterOptions } from './cloud-http.js';
import { strictSchema } from './json-schema.js';
import {
  InvalidModelOutputError,
  LlmUnavailableError,
  type LlmHealth,
  type LlmProvider,
  type LlmRequest,
  type LlmResult,
} from './llm.port.js';

const ChatCompletion = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).loose(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).loose().nullish(),
});

/** Any OpenAI-compatible `/chat/completions` endpoint, with strict json_schema output. */
export class OpenAiAdapter implements LlmProvider {
  readonly name = 'openai' as const;
  readonly model: string;

  constructor(
    private readonly opts: CloudAdapterOptions,
    private readonly deps: CloudAdapterDeps,
  ) {
    this.model = opts.model;
  }

  async generate(req: LlmRequest): Promise<LlmResult> {
    const started = performance.now();
    const key = await cloudApiKey(this.deps, 'openai');
    const body = {
      model: this.opts.model,
      messages: [{ role: 'system', content: req.system }, ...req.messages.map((m) => ({ role: m.role, content: m.content }))],
      max_completion_tokens: maxOutputTokens(req, this.opts),
      ...(req.schema ? { response_format: { type: 'json_schema', json_schema: { name: 'reply', strict: true, schema: strictSchema(req.schema) } } } : {}),
    };
    const json = await postJson({
      provider: 'openai',
      opts: this.opts,
      deps: this.deps,
      path: '/chat/completions',
      headers: { authorization: `Bearer ${key}` },
      body,
      signal: req.signal,
    });
    const parsed = ChatCompletion.safeParse(json);
    if (!parsed.success) throw new LlmUnavailableError('openai', 'the chat completion response did not have the expected shape', { retryable: false });
    const choice = parsed.data.choices[0]!;
    if (choice.message.refusal) throw new InvalidModelOutputError('openai', 'the model refused to answer');
    if (choice.finish_reason === 'length') throw new InvalidModelOutputError('openai', 'the reply was cut off at the token limit');
    return cloudResult('openai', this.opts, started, {
      text: choice.message.content ?? '',
      model: parsed.data.model,
      inputTokens: parsed.data.usage?.prompt_tokens ?? 0,
      outputTokens: parsed.data.usage?.completion_tokens ?? 0,
    });
  }

  health(): Promise<LlmHealth> {
    return cloudHealth(this.deps, 'openai', this.opts.model);
  }
}
