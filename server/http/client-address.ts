import type { Request } from 'express';

/**
 * The sender's address, for rate limits on the public listener. With `trust proxy` set (the
 * NOCTURN_TRUST_FORWARDED_FOR setting) Express takes it from X-Forwarded-For: the entry the
 * tunnel or proxy on loopback appended, never the ones the caller wrote before it. Otherwise, and
 * for a direct listener, it is the connection's own address, which a caller cannot rotate.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
