/** A server-sent-events reader, as the browser's EventSource receives them. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** performance.now() when the event was read. */
  at: number;
}
export interface SseReader {
  status: number;
  headers: Headers;
  next(match?: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  all(): SseEvent[];
  close(): void;
}
export async function openSse(url: string, headers: Record<string, string>): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  let cursor = 0;
  let wake: (() => void) | undefined;
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (data === undefined) continue;
            events.push({ event, data: JSON.parse(data) as Record<string, unknown>, at: performance.now() });
            wake?.();
          }
        }
      } catch {
        // closed by the test
      }
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    async next(match = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < events.length) {
          const e = events[cursor++]!;
          if (match(e)) return e;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; received ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    },
    all: () => [...events],
    close: () => abort.abort(),
  };
}
