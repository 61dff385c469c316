/**
 * Resolves in a later turn of the event loop, so requests waiting on I/O are served between two
 * steps of long work on a large input. (From I/O callbacks the immediate runs before the next poll;
 * from a setImmediate callback, after it: long work yields at least once per step either way.)
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
