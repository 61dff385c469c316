import { EventEmitter } from 'node:events';

/** What staff screens (SSE) and the widget listen to. Payloads carry ids, never guest text. */
export type NocturnEvent =
  | { type: 'conversation.updated'; propertyId: string; conversationId: string; status: string; at: string }
  | { type: 'message.created'; propertyId: string; conversationId: string; messageId: string; role: string; at: string }
  | { type: 'message.delivery'; propertyId: string; conversationId: string; messageId: string; status: string; at: string }
  | { type: 'handoff.requested'; propertyId: string; conversationId: string; reason: string; at: string }
  | { type: 'lead.updated'; propertyId: string; leadId: string; conversationId: string; status: string; at: string }
  | { type: 'llm.budget'; propertyId: string; level: 'warning' | 'exhausted'; spentUsd: number; limitUsd: number; at: string };

export type SequencedEvent = NocturnEvent & { seq: number };

/**
 * In-process event bus; the SSE endpoint and the widget stream subscribe to it. The last events
 * are kept so a client that reconnects (Last-Event-ID) gets what it missed.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly recent: SequencedEvent[] = [];
  private seq = 0;

  constructor(private readonly keep = 2000) {
    this.emitter.setMaxListeners(1000);
  }

  emit(event: NocturnEvent): void {
    const e = { ...event, seq: ++this.seq } as SequencedEvent;
    this.recent.push(e);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    this.emitter.emit('event', e);
  }

  subscribe(fn: (event: SequencedEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }

  /** Tells long-lived streams to end (graceful shutdown). */
  shutdown(): void {
    this.emitter.emit('shutdown');
  }

  onShutdown(fn: () => void): () => void {
    this.emitter.on('shutdown', fn);
    return () => this.emitter.off('shutdown', fn);
  }

  /** Events after `seq`, or null when they are no longer kept (the client must reload). */
  since(seq: number): SequencedEvent[] | null {
    if (seq >= this.seq) return [];
    const first = this.recent[0];
    if (!first || first.seq > seq + 1) return null;
    return this.recent.filter((e) => e.seq > seq);
  }

  get lastSeq(): number {
    return this.seq;
  }
}
