import os from 'node:os';
import { startOllamaStub, type OllamaChatBody } from '../test/support/ollama-stub.js';
import { startTestServer, tempDir } from '../test/support/server.js';
import { openSse, type SseEvent } from '../test/support/sse.js';

/**
 * `npm run bench -- widget-stream`: a website guest's question answered by a local model that
 * writes at a fixed rate (the Ollama stand-in: BENCH_CHARS_PER_TOKEN characters every
 * BENCH_TOKEN_MS ms, by default 4 every 50 ms, about 20 tokens a second as on an ordinary PC).
 * - firstTokenToFirstWordsMs: the model's first streamed token to the first `reply.delta` read
 *   from the widget's event stream (target under 300 ms);
 * - draftLagMs: the token that completed the first draft's words to that draft read by the
 *   widget (what the server itself adds);
 * - firstTokenToFinalMs: the model's first token to the validated reply in the widget, for scale.
 * Everything runs on loopback; the run count is bounded (BENCH_RUNS, default 10).
 */

const SITE = 'https://bench.example';
const REPLY =
  'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am every day. Children under 6 eat free, and there is a halal buffet with local and western dishes. Enjoy your stay!';

function itemIdIn(body: OllamaChatBody): string {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  return /<item id="([^"]+)" title="Breakfast"/.exec(system)?.[1] ?? 'missing';
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { runs: sorted.length, median: round(at(0.5)), p95: round(at(0.95)), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

export async function run() {
  const runs = Math.min(50, Number(process.env.BENCH_RUNS ?? 10));
  const chunkSize = Number(process.env.BENCH_CHARS_PER_TOKEN ?? 4);
  const chunkDelayMs = Number(process.env.BENCH_TOKEN_MS ?? 50);
  const ollama = await startOllamaStub();
  ollama.behave({
    kind: 'reply',
    chunkSize,
    chunkDelayMs,
    content: (body) =>
      JSON.stringify({
        reply: REPLY,
        confidence: 0.92,
        intent: 'other',
        handoff: false,
        handoffReason: null,
        citedItemIds: [itemIdIn(body)],
        lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null },
      }),
  });
  const data = tempDir('nocturn-bench-stream-');
  const server = await startTestServer({
    dataDir: data.dir,
    env: { NOCTURN_LOG_LEVEL: 'warn', NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_TIMEOUT_MS: '30000', NOCTURN_LLM_RETRIES: '0', NOCTURN_EMBEDDER: 'none' },
  });
  try {
    const created = (await (await server.admin.post('/api/v1/properties', { name: 'Bench Hotel', slug: 'bench', timezone: 'Asia/Kuala_Lumpur' })).json()) as { id: string };
    const kb = await server.admin.put('/api/v1/properties/bench/knowledge-base', {
      items: [{ category: 'dining', title: 'Breakfast', content: 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily. Children under 6 eat free. Halal buffet.' }],
    });
    if (kb.status !== 200) throw new Error(`could not load knowledge: ${kb.status}`);
    await server.core.knowledge.whenIdle(created.id);
    const widget = await server.admin.put('/api/v1/properties/bench/channels/widget', { allowedOrigins: [SITE], title: 'Bench', askContactBefore: false });
    const key = ((await widget.json()) as { widgetKey: string }).widgetKey;
    const headers = { origin: SITE };

    const firstWords: number[] = [];
    const lag: number[] = [];
    const whole: number[] = [];
    const draftCounts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const session = `ws_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`;
      const stream = await openSse(`${server.publicUrl}/widget/api/stream?key=${key}&session=${session}`, headers);
      await stream.next((e) => e.event === 'ready');
      const posted = await fetch(`${server.publicUrl}/widget/api/messages?key=${key}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ key, sessionId: session, clientMessageId: `cm_bench_${i}`, text: 'What time is breakfast?' }),
      });
      if (posted.status !== 202) throw new Error(`message answered ${posted.status}`);
      const final = await stream.next((e) => e.event === 'message' && e.data.role === 'assistant', 60_000);
      stream.close();
      const events: SseEvent[] = stream.all();
      const first = events.find((e) => e.event === 'reply.delta');
      const chunks = ollama.lastStream();
      if (!first || chunks.length === 0) throw new Error('no draft reached the widget');
      const firstToken = chunks[0]!.at;
      firstWords.push(first.at - firstToken);
      whole.push(final.at - firstToken);
      draftCounts.push(events.filter((e) => e.event === 'reply.delta').length);
      // The chunk after which the model's output held the first draft's words.
      const needed = JSON.stringify({ reply: String(first.data.text) }).length - 2;
      let written = 0;
      const completing = chunks.find((c) => (written += c.content.length) >= needed) ?? chunks.at(-1)!;
      lag.push(first.at - completing.at);
      await server.core.inboundQueue.settle();
    }
    const result = stats(firstWords);
    return {
      model: { charsPerToken: chunkSize, tokenMs: chunkDelayMs, tokensPerSecond: Math.round(1000 / chunkDelayMs), replyChars: REPLY.length },
      firstTokenToFirstWordsMs: result,
      draftLagMs: stats(lag),
      firstTokenToFinalMs: stats(whole),
      draftsPerReply: stats(draftCounts),
      targets: { firstTokenToFirstWordsMs: 300 },
      met: { firstTokenToFirstWords: result.median < 300 },
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      cpus: os.cpus().length,
    };
  } finally {
    await server.stop();
    await ollama.close();
    data.remove();
  }
}
