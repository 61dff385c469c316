import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the cloud fallback on loopback (REFERENCE.md §4): OpenAI-compatible
 * POST /v1/chat/completions and Anthropic POST /v1/messages, with their success and error shapes.
 * Every request body is recorded so tests can check what would have left the building.
 */

export interface CloudRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body text exactly as received. */
  raw: string;
  body: Record<string, unknown>;
}

export type CloudBehaviour =
  | { kind: 'reply'; content: string | ((req: CloudRequest) => string); inputTokens?: number; outputTokens?: number; delayMs?: number; finishReason?: string }
  /** 429 rate limit with optional retry-after (seconds) / retry-after-ms headers. */
  | { kind: 'rate-limit'; retryAfter?: string; retryAfterMs?: string }
  /** Credits or spend limit exhausted: OpenAI insufficient_quota, Anthropic enforced_spend_limit_reached. */
  | { kind: 'quota' }
  | { kind: 'status'; status: number }
  | { kind: 'hang' };

export interface CloudStub {
  /** API base including /v1, as NOCTURN_CLOUD_BASE_URL takes it. */
  url: string;
  requests: CloudRequest[];
  behave(b: CloudBehaviour): void;
  once(...b: CloudBehaviour[]): void;
  close(): Promise<void>;
}

/** The text of the last user message of a recorded request, for either API shape. */
export function lastUserText(req: CloudRequest): string {
  const messages = (req.body.messages ?? []) as { role: string; content: string }[];
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startCloudStub(): Promise<CloudStub> {
  const requests: CloudRequest[] = [];
  const queue: CloudBehaviour[] = [];
  let behaviour: CloudBehaviour = { kind: 'reply', content: '{"reply":"Hello from the cloud"}' };
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const raw = await readBody(req);
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const recorded: CloudRequest = { path, headers: req.headers, raw, body };
      requests.push(recorded);
      const anthropic = path === '/v1/messages';
      if (!anthropic && path !== '/v1/chat/completions') return send(res, 404, { error: { message: 'Unknown path', type: 'invalid_request_error' } });
      const b = queue.shift() ?? behaviour;
      if (b.kind === 'hang') return;
      if (b.kind === 'rate-limit') {
        const headers: Record<string, string> = {};
        if (b.retryAfter !== undefined) headers['retry-after'] = b.retryAfter;
        if (b.retryAfterMs !== undefined) headers['retry-after-ms'] = b.retryAfterMs;
        return anthropic
          ? send(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' }, request_id: 'req_stub' }, headers)
          : send(res, 429, { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers);
      }
      if (b.kind === 'quota') {
        return anthropic
          ? send(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Spend limit reached', details: { error_code: 'enforced_spend_limit_reached' } }, request_id: 'req_stub' })
          : send(res, 429, {
              error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
            });
      }
      if (b.kind === 'status') {
        return anthropic
          ? send(res, b.status, { type: 'error', error: { type: b.status === 529 ? 'overloaded_error' : 'api_error', message: 'Internal server error' }, request_id: 'req_stub' })
          : send(res, b.status, { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } });
      }
      if (b.delayMs) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, b.delayMs);
          timers.add(t);
        });
      }
      if (res.destroyed) return;
      const content = typeof b.content === 'function' ? b.content(recorded) : b.content;
      const inputTokens = b.inputTokens ?? 120;
      const outputTokens = b.outputTokens ?? 30;
      if (anthropic) {
        return send(res, 200, {
          id: 'msg_stub',
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [{ type: 'text', text: content }],
          stop_reason: b.finishReason ?? 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        });
      }
      send(res, 200, {
        id: 'chatcmpl-stub',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: b.finishReason ?? 'stop' }],
        usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      });
    })().catch(() => {
      if (!res.headersSent) send(res, 500, { error: { message: 'stub failure' } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    behave: (b) => {
      behaviour = b;
    },
    once: (...b) => {
      queue.push(...b);
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
