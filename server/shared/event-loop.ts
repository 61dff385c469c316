/**
 * Resolves after the event loop has polled for I/O at least once, so requests waiting on sockets
 * are served between two steps of long work on a large input. One setImmediate is not enough from
 * an I/O callback (a request's body ending): its immediate runs before the next poll. The second,
 * set from the check phase, runs only after it.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
}
