import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { clientAddress } from '../../../http/client-address.js';
import { bodyReadError } from '../../../http/problem.js';
import { ForbiddenError, NotFoundError, TooManyRequestsError } from '../../../shared/errors.js';
import { parseInput } from '../../../shared/validation.js';
import type { WidgetHub, WidgetStreamEvent } from './widget.hub.js';
import { PostWidgetContact, PostWidgetFeedback, PostWidgetMessage, SessionQuery } from './widget.schemas.js';
import type { WidgetBinding, WidgetService } from './widget.service.js';

interface WidgetPublicDeps {
  widget: WidgetService;
  hub: WidgetHub;
  /** The widget script served at /widget/widget.js. */
  script: string;
  /** Ends live streams on graceful shutdown. */
  onShutdown: (fn: () => void) => () => void;
  heartbeatMs?: number;
}

const API_BODY_LIMIT = '64kb';

function stringParam(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bindingOf(res: Response): WidgetBinding {
  return res.locals.widgetBinding as WidgetBinding;
}

/**
 * Key and origin check for every widget API call (A1, A6): the hotel's allowed origins only, echoed
 * exactly with `Vary: Origin`, never `*` and never with credentials. An unknown key is 404, an origin
 * that is not allowed 403, both without CORS headers, so the browser keeps the answer from the page.
 */
function keyAndOrigin(widget: WidgetService): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const body = req.body as { key?: unknown } | undefined;
    const key = stringParam(req.query.key) ?? stringParam(body?.key) ?? '';
    const origin = req.get('origin');
    const { binding, originAllowed } = widget.access(key, origin);
    if (binding && originAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin!);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    }
    widget.limitAddress(clientAddress(req));
    if (!binding) throw new NotFoundError('This chat widget key is not known');
    if (!originAllowed) throw new ForbiddenError('This website is not allowed to use this chat widget');
    if (body?.key !== undefined && body.key !== binding.routingKey) throw new ForbiddenError('The widget key in the body does not match the one in the address');
    res.locals.widgetBinding = binding;
    res.locals.propertyId = binding.propertyId;
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** `/widget/widget.js` and `/widget/api/*` on the public listener. */
export function widgetPublicRouter(deps: WidgetPublicDeps): Router {
  const { widget, hub } = deps;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const router = Router();

  router.get('/widget/widget.js', (_req, res) => {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    // Loaded by the hotel's pages from another origin.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.send(deps.script);
  });

  const api = Router();
  api.use(express.json({ limit: API_BODY_LIMIT, strict: true }));
  api.use(keyAndOrigin(widget));

  api.get('/config', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(widget.publicConfig(bindingOf(res)));
  });

  api.get('/messages', (req, res) => {
    const q = parseInput(SessionQuery, req.query, 'The query string');
    res.setHeader('Cache-Control', 'no-store');
    res.json(widget.history(bindingOf(res), q.session));
  });

  api.post('/messages', (req, res) => {
    const m = parseInput(PostWidgetMessage, req.body, 'The message');
    const { duplicate } = widget.acceptMessage(bindingOf(res), m);
    res.status(duplicate ? 200 : 202).json({ accepted: true, duplicate, clientMessageId: m.clientMessageId });
  });

  api.post('/contact', (req, res) => {
    const c = parseInput(PostWidgetContact, req.body, 'The contact details');
    const { duplicate } = widget.acceptContact(bindingOf(res), c);
    res.status(duplicate ? 200 : 202).json({ accepted: true, duplicate });
  });

  api.post('/feedback', (req, res) => {
    widget.feedback(bindingOf(res), parseInput(PostWidgetFeedback, req.body, 'The feedback'));
    res.status(204).end();
  });

  api.get('/stream', (req, res) => {
    const binding = bindingOf(res);
    const { session } = parseInput(SessionQuery, req.query, 'The query string');
    if (hub.connections(binding.propertyId, session) >= widget.streamsPerSession) throw new TooManyRequestsError(30, 'This chat is open in too many tabs');
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 3000\n\n');
    send('ready', { typing: hub.isTyping(binding.propertyId, session) });
    const unsubscribe = hub.subscribe(binding.propertyId, session, (e: WidgetStreamEvent) => {
      if (e.type === 'message') send('message', e.message);
      else if (e.type === 'draft') send('reply.delta', { text: e.text });
      else send('typing', { active: e.active });
    });
    const beat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    const offShutdown = deps.onShutdown(() => res.end());
    let done = false;
    const cleanup = () => {
      if (done) return;
      done = true;
      clearInterval(beat);
      unsubscribe();
      offShutdown();
    };
    req.on('close', cleanup);
    res.on('error', cleanup);
  });

  // A body that could not be read (broken compression, not JSON, too large) counts against the sender's limit.
  api.use(((err: unknown, req, _res, next) => {
    if (!bodyReadError(err)) return next(err);
    try {
      widget.limitAddress(clientAddress(req));
    } catch (limited) {
      next(limited);
      return;
    }
    next(err);
  }) as ErrorRequestHandler);

  router.use('/widget/api', api);
  return router;
}
