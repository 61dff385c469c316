import type { Response } from 'express';
import { route, type RouteDef } from '../../http/route.js';
import { canSeeProperty } from '../../shared/actor.js';
import type { EventBus, SequencedEvent } from '../../shared/events.js';

/**
 * Live updates for staff screens over server-sent events: authenticated, filtered to the hotels
 * the user may see, with heartbeats, and a replay of missed events after a reconnect. The session
 * is checked again before every event and heartbeat: a stream whose session was signed out,
 * revoked or idled out says `session-ended` and closes, so it never outlives its session.
 */
export function eventRoutes(events: EventBus, opts: { /** Whether the request's session is still valid. */ sessionLive: (res: Response) => boolean; heartbeatMs?: number }): RouteDef[] {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  return [
    route({
      method: 'get',
      path: '/api/v1/events',
      summary: 'Server-sent events for the inbox (Last-Event-ID replays what was missed)',
      tag: 'events',
      permission: 'conversations.read',
      handler: ({ req, res, actor }) =>
        new Promise<void>((resolve) => {
          res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
          res.write('retry: 2000\n\n');
          const visible = (e: SequencedEvent) => canSeeProperty(actor, e.propertyId);
          const write = (e: SequencedEvent) => {
            if (visible(e)) res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
          };
          /** False (and the stream ended) once the session is no longer valid. */
          const stillLive = () => {
            if (opts.sessionLive(res)) return true;
            res.end('event: session-ended\ndata: {}\n\n');
            done();
            return false;
          };
          const lastId = Number(req.get('last-event-id') ?? req.query.lastEventId ?? NaN);
          if (Number.isFinite(lastId)) {
            const missed = events.since(lastId);
            if (missed === null) res.write(`event: reset\ndata: {}\n\n`);
            else missed.forEach(write);
          } else {
            res.write(`id: ${events.lastSeq}\nevent: hello\ndata: {}\n\n`);
          }
          const unsubscribe = events.subscribe((e) => {
            if (visible(e) && stillLive()) write(e);
          });
          const beat = setInterval(() => {
            if (stillLive()) res.write(`: heartbeat ${Date.now()}\n\n`);
          }, heartbeatMs);
          const offShutdown = events.onShutdown(() => res.end());
          let ended = false;
          function done() {
            if (ended) return;
            ended = true;
            clearInterval(beat);
            unsubscribe();
            offShutdown();
            resolve();
          }
          req.on('close', done);
          res.on('error', done);
        }),
    }),
  ];
}
