import type { WidgetMessage } from './widget.schemas.js';

export type WidgetStreamEvent =
  | { type: 'message'; message: WidgetMessage }
  | { type: 'typing'; active: boolean }
  /** The assistant's reply so far, while the model writes it; the next assistant message replaces it. */
  | { type: 'draft'; text: string };

type Listener = (e: WidgetStreamEvent) => void;

/** A typing indicator never outlives this, even if the work behind it is lost. */
const TYPING_MAX_MS = 90_000;

/**
 * The live side of the widget channel: each guest session's open streams, and whether the
 * assistant is working on one of its messages (the typing indicator). In memory on purpose:
 * anything missed while a guest is offline is read from the stored conversation on reconnect.
 */
export class WidgetHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly typing = new Map<string, Map<string, NodeJS.Timeout>>();

  private static key(propertyId: string, sessionId: string): string {
    return `${propertyId}:${sessionId}`;
  }

  subscribe(propertyId: string, sessionId: string, fn: Listener): () => void {
    const k = WidgetHub.key(propertyId, sessionId);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(k);
    };
  }

  connections(propertyId: string, sessionId: string): number {
    return this.listeners.get(WidgetHub.key(propertyId, sessionId))?.size ?? 0;
  }

  /** Sends to every open stream of the session; the number reached (0 when the guest is away). */
  publish(propertyId: string, sessionId: string, e: WidgetStreamEvent): number {
    const set = this.listeners.get(WidgetHub.key(propertyId, sessionId));
    for (const fn of set ?? []) fn(e);
    return set?.size ?? 0;
  }

  isTyping(propertyId: string, sessionId: string): boolean {
    return (this.typing.get(WidgetHub.key(propertyId, sessionId))?.size ?? 0) > 0;
  }

  /** The assistant started working on one message of the session (`work` names it). */
  typingStart(propertyId: string, sessionId: string, work: string): void {
    const k = WidgetHub.key(propertyId, sessionId);
    let jobs = this.typing.get(k);
    if (!jobs) this.typing.set(k, (jobs = new Map()));
    const was = jobs.size > 0;
    clearTimeout(jobs.get(work));
    const timer = setTimeout(() => this.typingStop(propertyId, sessionId, work), TYPING_MAX_MS);
    timer.unref();
    jobs.set(work, timer);
    if (!was) this.publish(propertyId, sessionId, { type: 'typing', active: true });
  }

  typingStop(propertyId: string, sessionId: string, work: string): void {
    const k = WidgetHub.key(propertyId, sessionId);
    const jobs = this.typing.get(k);
    const timer = jobs?.get(work);
    if (!jobs || !timer) return;
    clearTimeout(timer);
    jobs.delete(work);
    if (jobs.size > 0) return;
    this.typing.delete(k);
    this.publish(propertyId, sessionId, { type: 'typing', active: false });
  }

  close(): void {
    for (const jobs of this.typing.values()) for (const t of jobs.values()) clearTimeout(t);
    this.typing.clear();
    this.listeners.clear();
  }
}
