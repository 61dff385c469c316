import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { clientAddress } from '../../../http/client-address.js';
import { bodyReadError } from '../../../http/problem.js';
import type { WhatsAppService } from './whatsapp.service.js';

export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * `/webhooks/whatsapp` on the public listener: the verification handshake (GET) and signed
 * notifications (POST). The body is read raw: the signature is over the exact bytes Meta sent.
 */
export function whatsAppWebhookRouter(whatsapp: WhatsAppService, opts: { bodyLimitBytes: number }): Router {
  const router = Router();
  // An address over its limit is refused before its body is read.
  const admit: RequestHandler = (req, _res, next) => {
    try {
      whatsapp.admit(clientAddress(req));
      next();
    } catch (err) {
      next(err);
    }
  };
  router.get(WHATSAPP_WEBHOOK_PATH, admit, (req, res) => {
    const q = req.query as Record<string, unknown>;
    const challenge = whatsapp.verifySubscription(clientAddress(req), str(q['hub.mode']), str(q['hub.verify_token']), str(q['hub.challenge']));
    res.status(200).type('text/plain').send(challenge);
  });
  router.post(WHATSAPP_WEBHOOK_PATH, admit, express.raw({ type: () => true, limit: opts.bodyLimitBytes }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await whatsapp.ingest(raw, req.get('x-hub-signature-256'), clientAddress(req));
    res.status(200).json({ received: result.accepted + result.duplicates });
  });
  // A body that could not be read (too large, aborted, broken compression) counts against the sender like a bad signature.
  router.use(WHATSAPP_WEBHOOK_PATH, ((err: unknown, req, _res, next) => {
    if (!bodyReadError(err)) return next(err);
    try {
      whatsapp.charge(clientAddress(req));
    } catch (limited) {
      next(limited);
      return;
    }
    next(err);
  }) as ErrorRequestHandler);
  return router;
}
