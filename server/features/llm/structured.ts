import { z } from 'zod';
import { zodIssues } from '../../shared/errors.js';
import { dropNullOptionals, providerSchema } from './json-schema.js';
import { InvalidModelOutputError, type LlmMessage } from './llm.port.js';
import type { LlmRouter, RoutedRequest, RoutedResult } from './llm.router.js';

interface StructuredResult<T> {
  data: T;
  /** The answering call; tokens, latency and cost are summed over all tries. */
  result: RoutedResult;
  tries: number;
}

interface StructuredOptions {
  /** Extra tries after an invalid reply (default 1, C5). */
  retries?: number;
}

/** The JSON Schema sent to providers for a zod schema (what the model must produce). */
function jsonSchemaFor(schema: z.ZodType) {
  return providerSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
}

function parseReply<S extends z.ZodType>(schema: S, jsonSchema: Record<string, unknown>, text: string): z.ZodSafeParseResult<z.output<S>> | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return { success: false, error: { issues: [{ path: [], message: 'the reply is not valid JSON' }] } };
  }
  return schema.safeParse(dropNullOptionals(value, jsonSchema));
}

/**
 * Asks for JSON matching `schema` (passed to the provider as JSON Schema), validates the reply
 * with zod, retries once with the problems spelled out, then throws InvalidModelOutputError,
 * which the conversation engine treats as "unsure". NoModelAvailableError passes through.
 */
export async function generateStructured<S extends z.ZodType>(
  router: Pick<LlmRouter, 'generate'>,
  schema: S,
  req: Omit<RoutedRequest, 'schema'>,
  opts: StructuredOptions = {},
): Promise<StructuredResult<z.output<S>>> {
  const jsonSchema = jsonSchemaFor(schema);
  const maxTries = 1 + Math.max(0, opts.retries ?? 1);
  let messages: LlmMessage[] = req.messages;
  let issues: { path: string; message: string }[] = [];
  let provider: RoutedResult['provider'] | 'router' = 'router';
  const totals = { inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 0 };
  for (let tries = 1; tries <= maxTries; tries++) {
    let result: RoutedResult;
    try {
      result = await router.generate({ ...req, messages, schema: jsonSchema });
    } catch (err) {
      if (!(err instanceof InvalidModelOutputError)) throw err;
      issues = [{ path: '', message: err.message }];
      messages = [...req.messages, { role: 'user', content: `Your previous reply could not be used (${err.message}). Reply again with only the JSON object.` }];
      continue;
    }
    provider = result.provider;
    totals.inputTokens += result.inputTokens;
    totals.outputTokens += result.outputTokens;
    totals.costUsd += result.costUsd;
    totals.latencyMs += result.latencyMs;
    const parsed = parseReply(schema, jsonSchema, result.text);
    if (parsed.success) return { data: parsed.data as z.output<S>, result: { ...result, ...totals }, tries };
    issues = zodIssues(parsed.error.issues);
    const problems = issues
      .slice(0, 8)
      .map((i) => `${i.path || '(root)'}: ${i.message}`)
      .join('; ');
    messages = [
      ...req.messages,
      { role: 'assistant', content: result.text.slice(0, 4000) },
      { role: 'user', content: `That reply does not match the required JSON schema (${problems}). Reply again with only one JSON object that matches the schema.` },
    ];
  }
  throw new InvalidModelOutputError(provider, `the model's reply did not match the schema after ${maxTries} tries`, issues);
}
