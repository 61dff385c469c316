/**
 * Reads the value of one top-level string field (for example "reply") out of a JSON object that
 * arrives in pieces, as a model streams its structured output. Each character is looked at once,
 * so the whole stream costs linear time; escapes (`\n`, `\"`, `\uXXXX`, surrogate pairs) may be
 * split across pieces. Nested objects and arrays, and fields before the wanted one, are skipped.
 */
export class JsonStringFieldReader {
  private depth = 0;
  private inString = false;
  /** Inside a string: 0 = plain, 1 = after a backslash, 2..5 = reading the hex digits of \u. */
  private escape = 0;
  private hex = '';
  /** At depth 1 the next string is a key (after `{` or `,`). */
  private expectKey = false;
  private stringIsKey = false;
  private stringIsTarget = false;
  private key = '';
  /** The last key read at depth 1 was the wanted field and its `:` has been seen. */
  private valueIsTarget = false;
  private lastKeyMatches = false;
  private value = '';
  private started = false;
  private finished = false;

  constructor(private readonly field: string) {}

  /** The field's value decoded so far ('' until it starts). */
  get text(): string {
    // A high surrogate waits for its pair.
    const last = this.value.charCodeAt(this.value.length - 1);
    return last >= 0xd800 && last <= 0xdbff ? this.value.slice(0, -1) : this.value;
  }

  /** The value has started arriving. */
  get found(): boolean {
    return this.started;
  }

  /** The closing quote of the value has arrived. */
  get complete(): boolean {
    return this.finished;
  }

  /** Feeds the next piece of the stream; returns true when the value grew. */
  push(chunk: string): boolean {
    if (this.finished) return false;
    const before = this.value.length;
    for (let i = 0; i < chunk.length && !this.finished; i++) this.step(chunk[i]!);
    return this.value.length !== before;
  }

  private step(c: string): void {
    if (this.inString) return this.stringChar(c);
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') return;
    if (c === '"') {
      this.inString = true;
      this.stringIsKey = this.depth === 1 && this.expectKey;
      this.stringIsTarget = this.depth === 1 && !this.stringIsKey && this.valueIsTarget;
      if (this.stringIsKey) this.key = '';
      if (this.stringIsTarget) this.started = true;
      this.expectKey = false;
      this.valueIsTarget = false;
      return;
    }
    if (c === '{' || c === '[') {
      this.depth += 1;
      this.expectKey = c === '{' && this.depth === 1;
      this.valueIsTarget = false;
      return;
    }
    if (c === '}' || c === ']') {
      this.depth -= 1;
      return;
    }
    if (this.depth !== 1) return;
    if (c === ',') this.expectKey = true;
    else if (c === ':') this.valueIsTarget = this.lastKeyMatches;
    else this.valueIsTarget = false;
  }

  private stringChar(c: string): void {
    if (this.escape === 1) {
      this.escape = 0;
      if (c === 'u') {
        this.escape = 2;
        this.hex = '';
        return;
      }
      this.emit(ESCAPES[c] ?? c);
      return;
    }
    if (this.escape >= 2) {
      this.hex += c;
      if (this.hex.length < 4) return;
      this.escape = 0;
      const code = Number.parseInt(this.hex, 16);
      // Invalid hex would fail JSON.parse later; the draft shows nothing for it.
      if (/^[0-9a-fA-F]{4}$/.test(this.hex)) this.emit(String.fromCharCode(code));
      return;
    }
    if (c === '\\') {
      this.escape = 1;
      return;
    }
    if (c === '"') {
      this.inString = false;
      if (this.stringIsKey) this.lastKeyMatches = this.key === this.field;
      if (this.stringIsTarget) this.finished = true;
      return;
    }
    this.emit(c);
  }

  private emit(s: string): void {
    if (this.stringIsTarget) this.value += s;
    // Keys longer than the field cannot match; keep no more of them than needed.
    else if (this.stringIsKey && this.key.length <= this.field.length) this.key += s;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
