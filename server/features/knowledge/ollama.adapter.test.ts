import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../shared/errors.js';
import { OllamaEmbedder } from './ollama.adapter.js';

/**
 * A stand-in that speaks Ollama's embeddings wire format (POST /api/embed, JSON in and out,
 * `{"error": ...}` bodies, 404 for a model that is not pulled) on loopback.
 */
let server: http.Server;
let host: string;
const requests: { model: string; input: string[]; truncate?: boolean }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/embed') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
        return;
      }
      const parsed = JSON.parse(body) as { model: string; input: string | string[]; truncate?: boolean };
      const input = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
      requests.push({ model: parsed.model, input, truncate: parsed.truncate });
      const reply = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
      switch (parsed.model) {
        case 'nomic-embed-text':
          // Unnormalised on purpose: the adapter must normalise. Vector = [len, vowels, 1].
          return reply(200, {
            model: parsed.model,
            embeddings: input.map((t) => [t.length, (t.match(/[aeiou]/g) ?? []).length, 1]),
            total_duration: 14143917,
            load_duration: 1019500,
            prompt_eval_count: input.length * 4,
          });
        case 'broken':
          return reply(500, { error: 'llama runner process has terminated: signal: killed' });
        case 'garbled':
          return reply(200, { model: parsed.model, embeddings: [] });
        case 'slow':
          setTimeout(() => reply(200, { embeddings: input.map(() => [1, 0]) }), 2_000);
          return;
        default:
          return reply(404, { error: `model "${parsed.model}" not found, try pulling it first` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('OllamaEmbedder', () => {
  it('sends batches to /api/embed and returns unit vectors in order', async () => {
    const e = new OllamaEmbedder({ host, model: 'nomic-embed-text', batchSize: 2 });
    const vectors = await e.embed(['pool', 'parking garage', 'wifi'], 'passage');
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const expected = [4, 2, 1].map((x) => x / Math.hypot(4, 2, 1));
    expect([...vectors[0]!].map((x) => Number(x.toFixed(5)))).toEqual(expected.map((x) => Number(x.toFixed(5))));
    expect(requests.slice(-2)).toEqual([
      { model: 'nomic-embed-text', input: ['pool', 'parking garage'], truncate: true },
      { model: 'nomic-embed-text', input: ['wifi'], truncate: true },
    ]);
    expect(e.name).toBe('ollama:nomic-embed-text');
    expect(await e.dimension()).toBe(3);
  });

  it('says how to fix a model that is not pulled', async () => {
    const e = new OllamaEmbedder({ host, model: 'bge-m3' });
    const err = await e.embed(['x'], 'query').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toMatch(/no model "bge-m3".*not found.*ollama pull bge-m3/);
  });

  it('reports server errors, malformed answers, timeouts and refused connections as upstream errors', async () => {
    await expect(new OllamaEmbedder({ host, model: 'broken' }).embed(['x'], 'query')).rejects.toThrow(/answered 500.*runner process has terminated/);
    await expect(new OllamaEmbedder({ host, model: 'garbled' }).embed(['x'], 'query')).rejects.toThrow(/unexpected body/);
    await expect(new OllamaEmbedder({ host, model: 'slow', timeoutMs: 200 }).embed(['x'], 'query')).rejects.toThrow(/no answer within 200 ms/);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(new OllamaEmbedder({ host: `http://127.0.0.1:${port}`, model: 'x' }).embed(['x'], 'query')).rejects.toThrow(UpstreamError);
  });
});
