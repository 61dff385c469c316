/** Polls `check` until it holds; fails naming `what` after `ms` (tests wait on background work this way). */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
