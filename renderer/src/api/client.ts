import { z } from 'zod';
import { Problem } from '@contract/properties';

/** One field-level complaint from the server; `path` is dotted, e.g. `deskHours.mon.0.open`. */
export interface FieldError {
  path: string;
  message: string;
}

/** A failed API call: the server's problem+json, or a stand-in for network trouble (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[];
  readonly requestId: string | undefined;
  /** From a 429's Retry-After header: how long until the server accepts the call again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The first message the server gave for exactly this field path. */
  fieldError(path: string): string | undefined {
    return this.errors.find((e) => e.path === path)?.message;
  }
}

const CLIENT_PROBLEM = 'about:blank#client-';

/** Anything thrown by a call becomes an ApiError, so screens handle one shape. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ApiError({ type: CLIENT_PROBLEM + 'unexpected', title: 'Something went wrong in the page', status: 0, detail });
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  /** Sign-in calls answer 401 for a wrong password; that is not a lost session. */
  ignoreUnauthorized?: boolean;
}

/**
 * Asked when a call answers 401: resolves true once the same person has signed in again (the
 * call is then retried), false when they gave up or someone else signed in.
 */
export type Reauthenticator = () => Promise<boolean>;

interface InternalOptions extends RequestOptions {
  retried?: boolean;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * A small JSON client for the staff API. Every response is parsed with its contract schema before
 * the page uses it, and every failure surfaces as an ApiError. The session cookie travels by
 * itself; state-changing calls also carry the session's CSRF token.
 */
export class ApiClient {
  private readonly fetchImpl: typeof fetch;
  private csrfToken: string | undefined;
  private readonly unauthorizedListeners = new Set<() => void>();
  private reauthenticator: Reauthenticator | undefined;
  private renewal: Promise<boolean> | undefined;

  constructor(
    private readonly baseUrl = '/api/v1',
    fetchImpl: typeof fetch = globalThis.fetch,
  ) {
    // fetch must be called with the global as `this`.
    this.fetchImpl = fetchImpl.bind(globalThis);
  }

  /** Set when a session starts (sign-in, setup, or a reload that finds one); cleared when it ends. */
  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  /** Called whenever the server says the session is gone (401); returns the unsubscribe. */
  onUnauthorized(listener: () => void): () => void {
    this.unauthorizedListeners.add(listener);
    return () => this.unauthorizedListeners.delete(listener);
  }

  /**
   * With a reauthenticator, a lost session does not throw away the page: calls that answer 401
   * wait for the user to sign in again and are then sent once more. Returns the unsubscribe.
   */
  setReauthenticator(reauthenticate: Reauthenticator): () => void {
    this.reauthenticator = reauthenticate;
    return () => {
      if (this.reauthenticator === reauthenticate) this.reauthenticator = undefined;
    };
  }

  get<S extends z.ZodType>(path: string, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    return this.request('GET', path, undefined, schema, opts);
  }

  post<S extends z.ZodType>(path: string, body: unknown, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    return this.request('POST', path, body, schema, opts);
  }

  patch<S extends z.ZodType>(path: string, body: unknown, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    return this.request('PATCH', path, body, schema, opts);
  }

  put<S extends z.ZodType>(path: string, body: unknown, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    return this.request('PUT', path, body, schema, opts);
  }

  /** A POST whose answer is 204 No Content. */
  postEmpty(path: string, body?: unknown, opts?: RequestOptions): Promise<void> {
    return this.request('POST', path, body, z.undefined(), opts);
  }

  private async request<S extends z.ZodType>(method: Method, path: string, body: unknown, schema: S, opts: InternalOptions = {}): Promise<z.output<S>> {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;

    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'same-origin',
        signal,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err; // the caller gave up; not an error to show
      if (timeout.aborted) {
        throw new ApiError({ type: CLIENT_PROBLEM + 'timeout', title: 'The server did not answer in time', status: 0, detail: 'Check that Nocturn is running, then try again.' });
      }
      throw new ApiError({ type: CLIENT_PROBLEM + 'network', title: 'Cannot reach the Nocturn server', status: 0, detail: 'Check that Nocturn is running, then try again.' });
    }

    const payload = await readJson(res);
    if (!res.ok) {
      if (res.status === 401 && !opts.ignoreUnauthorized) {
        // The server refuses before acting on a request without a session, so sending it again is safe.
        if (this.reauthenticator && !opts.retried && (await this.renewSession(opts.signal))) {
          return this.request(method, path, body, schema, { ...opts, retried: true });
        }
        if (!this.reauthenticator) for (const listener of this.unauthorizedListeners) listener();
      }
      throw problemFrom(res, payload);
    }
    const parsed = schema.safeParse(res.status === 204 ? undefined : payload);
    if (!parsed.success) {
      throw new ApiError({
        type: CLIENT_PROBLEM + 'unexpected-response',
        title: 'Unexpected response from the server',
        status: res.status,
        detail: `${method} ${path} returned data this page does not understand.`,
      });
    }
    return parsed.data;
  }

  /** One sign-in prompt however many calls failed at once; a caller that gives up stops waiting. */
  private renewSession(signal: AbortSignal | undefined): Promise<boolean> {
    const reauthenticate = this.reauthenticator;
    if (!reauthenticate) return Promise.resolve(false);
    this.renewal ??= reauthenticate().finally(() => {
      this.renewal = undefined;
    });
    if (!signal) return this.renewal;
    signal.throwIfAborted();
    return Promise.race([
      this.renewal,
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
    ]);
  }
}

async function readJson(res: Response): Promise<unknown> {
  const type = res.headers.get('content-type') ?? '';
  if (res.status === 204 || !/json/i.test(type)) return undefined;
  try {
    return (await res.json()) as unknown;
  } catch {
    return undefined;
  }
}

function problemFrom(res: Response, payload: unknown): ApiError {
  const problem = Problem.safeParse(payload);
  const retryAfter = Number(res.headers.get('retry-after'));
  if (problem.success) return new ApiError(problem.data, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  return new ApiError({ type: 'about:blank', title: res.statusText || 'Request failed', status: res.status, detail: `The server answered ${res.status}.` });
}
