import type { Request } from 'express';
import { route, type RouteDef } from '../../http/route.js';
import type { Actor } from '../../shared/actor.js';
import { PayloadTooLargeError, ValidationError } from '../../shared/errors.js';
import {
  CreateKnowledgeItem,
  ImportResult,
  IndexStatus,
  KnowledgeItem,
  KnowledgeItemList,
  KnowledgeSearch,
  KnowledgeSearchResult,
  ListKnowledgeQuery,
  ReplaceKnowledgeBase,
  ReplaceSynonyms,
  SynonymList,
  UpdateKnowledgeItem,
  WriteSummary,
  ImportQuery,
} from './knowledge.schemas.js';
import type { KnowledgeService } from './knowledge.service.js';

const BASE = '/api/v1/properties/:id/knowledge-base';

/** Who is writing, as the audit log names them. */
function authorOf(actor: Actor): string | null {
  return actor.label || null;
}

/** The raw upload body, up to a limit (JSON bodies were already parsed by the JSON middleware). */
async function uploadBody(req: Request, limit: number): Promise<Buffer> {
  if (req.is('application/json') && req.body !== undefined) return Buffer.from(JSON.stringify(req.body));
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new PayloadTooLargeError(`The file is larger than ${Math.round(limit / 1024 / 1024)} MB`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(`The file is larger than ${Math.round(limit / 1024 / 1024)} MB`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export function knowledgeRoutes(
  knowledge: KnowledgeService,
  opts: { importLimitBytes: number; /** Ends open progress streams when the server shuts down. */ onShutdown: (fn: () => void) => () => void },
): RouteDef[] {
  return [
    route({
      method: 'get',
      path: `${BASE}/items`,
      summary: "List a hotel's knowledge items (active by default; ?active=all|false, ?category=)",
      tag: 'knowledge',
      permission: 'knowledge.read',
      query: ListKnowledgeQuery,
      response: KnowledgeItemList,
      handler: ({ params, query }) => ({ items: knowledge.list(params.id!, query) }),
    }),
    route({
      method: 'post',
      path: `${BASE}/items`,
      summary: 'Add a knowledge item',
      tag: 'knowledge',
      permission: 'knowledge.write',
      body: CreateKnowledgeItem,
      response: KnowledgeItem,
      status: 201,
      handler: ({ params, body, res, actor }) => {
        const item = knowledge.create(params.id!, body, authorOf(actor), actor);
        res.setHeader('Location', `/api/v1/properties/${params.id}/knowledge-base/items/${item.id}`);
        return item;
      },
    }),
    route({
      method: 'get',
      path: `${BASE}/items/:itemId`,
      summary: 'Read one knowledge item',
      tag: 'knowledge',
      permission: 'knowledge.read',
      response: KnowledgeItem,
      handler: ({ params }) => knowledge.get(params.id!, params.itemId!),
    }),
    route({
      method: 'patch',
      path: `${BASE}/items/:itemId`,
      summary: 'Change a knowledge item (also "active": true to reactivate it)',
      tag: 'knowledge',
      permission: 'knowledge.write',
      body: UpdateKnowledgeItem,
      response: KnowledgeItem,
      handler: ({ params, body, actor }) => knowledge.update(params.id!, params.itemId!, body, authorOf(actor), actor),
    }),
    route({
      method: 'post',
      path: `${BASE}/items/:itemId/deactivate`,
      summary: 'Deactivate a knowledge item (kept, never retrieved)',
      tag: 'knowledge',
      permission: 'knowledge.write',
      response: KnowledgeItem,
      handler: ({ params, actor }) => knowledge.deactivate(params.id!, params.itemId!, authorOf(actor), actor),
    }),
    route({
      method: 'put',
      path: BASE,
      summary: 'Replace the whole knowledge base: items matched by title are updated, new ones created, missing ones deactivated',
      tag: 'knowledge',
      permission: 'knowledge.write',
      body: ReplaceKnowledgeBase,
      response: WriteSummary,
      handler: ({ params, body, actor }) => knowledge.replaceAll(params.id!, body, authorOf(actor), actor),
    }),
    route({
      method: 'post',
      path: `${BASE}/import`,
      summary:
        'Import a file sent as the raw request body with its Content-Type (text/markdown, text/plain, text/html, application/pdf, DOCX, text/csv, application/json) and ?filename=; items with existing titles are updated',
      tag: 'knowledge',
      permission: 'knowledge.write',
      query: ImportQuery,
      response: ImportResult,
      status: 201,
      handler: async ({ req, params, query, actor }) => {
        const bytes = await uploadBody(req, opts.importLimitBytes);
        if (bytes.length === 0) throw new ValidationError('Send the file as the request body');
        return knowledge.import(params.id!, { bytes, contentType: req.headers['content-type'], query }, authorOf(actor), actor);
      },
    }),
    route({
      method: 'post',
      path: `${BASE}/search`,
      summary: 'Search the knowledge base as the assistant would (hybrid when an embedder is ready, else lexical)',
      tag: 'knowledge',
      permission: 'knowledge.read',
      body: KnowledgeSearch,
      response: KnowledgeSearchResult,
      handler: ({ params, body }) => knowledge.search(params.id!, body),
    }),
    route({
      method: 'get',
      path: `${BASE}/synonyms`,
      summary: "The hotel's own synonym sets, applied to every search",
      tag: 'knowledge',
      permission: 'knowledge.read',
      response: SynonymList,
      handler: ({ params }) => knowledge.synonyms(params.id!),
    }),
    route({
      method: 'put',
      path: `${BASE}/synonyms`,
      summary: 'Replace the hotel\'s synonym sets: each set lists words or phrases guests use for one thing',
      tag: 'knowledge',
      permission: 'knowledge.write',
      body: ReplaceSynonyms,
      response: SynonymList,
      handler: ({ params, body }) => knowledge.replaceSynonyms(params.id!, body),
    }),
    route({
      method: 'get',
      path: `${BASE}/index`,
      summary: 'Index status: search mode, embedder, chunks embedded, job state',
      tag: 'knowledge',
      permission: 'knowledge.read',
      response: IndexStatus,
      handler: ({ params }) => knowledge.status(params.id!),
    }),
    route({
      method: 'post',
      path: `${BASE}/reindex`,
      summary: 'Rebuild the indexes; vectors are recomputed by a background job (follow it on /index/events)',
      tag: 'knowledge',
      permission: 'knowledge.write',
      response: IndexStatus,
      status: 202,
      handler: ({ params }) => knowledge.reindex(params.id!),
    }),
    route({
      method: 'get',
      path: `${BASE}/index/events`,
      summary: 'Indexing progress as server-sent events (event: progress, data: index status)',
      tag: 'knowledge',
      permission: 'knowledge.read',
      handler: async ({ req, res, params }) => {
        const propertyId = knowledge.propertyIdOf(params.id!);
        const first = await knowledge.status(propertyId);
        res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
        res.flushHeaders();
        const send = (data: unknown) => res.write(`event: progress\ndata: ${JSON.stringify(data)}\n\n`);
        send(first);
        const off = knowledge.onProgress((p) => {
          if (p.propertyId !== propertyId) return;
          void knowledge.status(propertyId).then(send, () => undefined);
        });
        const ping = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        const offShutdown = opts.onShutdown(() => res.end());
        req.on('close', () => {
          off();
          clearInterval(ping);
          offShutdown();
        });
      },
    }),
  ];
}
