/** Owns resources and releases them in reverse order of registration (STYLE.md rule 9). */
type Disposer = () => void | Promise<void>;

export class DisposableStack {
  private readonly disposers: { name: string; fn: Disposer }[] = [];
  private disposed = false;

  add(name: string, fn: Disposer): void {
    if (this.disposed) throw new Error(`cannot register ${name}: already disposed`);
    this.disposers.push({ name, fn });
  }

  /** Runs every disposer, newest first; one failing does not stop the others. */
  async dispose(onError?: (name: string, err: unknown) => void): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const { name, fn } of this.disposers.reverse()) {
      try {
        await fn();
      } catch (err) {
        onError?.(name, err);
      }
    }
  }
}
