import { z } from 'zod';
import { BACKGROUND_HEADER } from '@contract/auth';
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

/** Signals of requests the page makes by itself (live refreshes), not on the user's behalf. */
const BACKGROUND = new WeakSet<AbortSignal>();

/**
 * Marks every request made with this signal as a background refresh: the server does not count it
 * as the user's activity, so a screen left open still reaches the session's idle timeout.
 */
export function markBackground(signal: AbortSignal): void {
  BACKGROUND.add(signal);
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

/** Options for {@link ApiClient.upload}. */
export interface UploadOptions extends RequestOptions {
  /** Share of the body sent so far, 0..1; called with 1 once the server has all of it. */
  onProgress?: (fraction: number) => void;
}

interface InternalOptions extends UploadOptions {
  retried?: boolean;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What is sent: nothing, a JSON value, or a raw body (a file) with its own content type. */
type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; data: Blob; contentType: string };

/** An HTTP answer, whichever transport carried it. */
interface RawResponse {
  status: number;
  statusText: string;
  contentType: string;
  retryAfter: string | null;
  text: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Uploads may be large documents over a slow desk connection. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

const timeoutProblem = () =>
  new ApiError({ type: CLIENT_PROBLEM + 'timeout', title: 'The server did not answer in time', status: 0, detail: 'Check that Nocturn is running, then try again.' });
const networkProblem = () =>
  new ApiError({ type: CLIENT_PROBLEM + 'network', title: 'Cannot reach the Nocturn server', status: 0, detail: 'Check that Nocturn is running, then try again.' });

/**
 * A small JSON client for the staff API. Every response is parsed with its contract schema before
 * the page uses it, and every failure surfaces as an ApiError. The session cookie travels by
 * itself; state-changing calls (uploads included) also carry the session's CSRF token.
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
    return this.request('GET', path, { kind: 'none' }, schema, opts);
  }

  post<S extends z.ZodType>(path: string, body: unknown, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    return this.request('POST', path, json(body), schema, opts);
  }

  patch<S extends z.ZodType>(path: string, body: unknown, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    return this.request('PATCH', path, json(body), schema, opts);
  }

  put<S extends z.ZodType>(path: string, body: unknown, schema: S, opts?: RequestOptions): Promise<z.output<S>> {
    return this.request('PUT', path, json(body), schema, opts);
  }

  /** A DELETE whose answer is 204 No Content. */
  delete(path: string, opts?: RequestOptions): Promise<void> {
    return this.request('DELETE', path, { kind: 'none' }, z.undefined(), opts);
  }

  /** A POST whose answer is 204 No Content. */
  postEmpty(path: string, body?: unknown, opts?: RequestOptions): Promise<void> {
    return this.request('POST', path, json(body), z.undefined(), opts);
  }

  /**
   * POSTs a file as the raw request body with its content type (not multipart), with the CSRF
   * token and the same session renewal, timeout and error handling as the JSON calls. Reports
   * upload progress when asked (fetch cannot, so the browser's XMLHttpRequest carries it).
   */
  upload<S extends z.ZodType>(path: string, file: Blob, contentType: string, schema: S, opts: UploadOptions = {}): Promise<z.output<S>> {
    return this.request('POST', path, { kind: 'raw', data: file, contentType }, schema, { timeoutMs: UPLOAD_TIMEOUT_MS, ...opts });
  }

  private async request<S extends z.ZodType>(method: Method, path: string, body: Body, schema: S, opts: InternalOptions = {}): Promise<z.output<S>> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    if (body.kind === 'json') headers['Content-Type'] = 'application/json';
    if (body.kind === 'raw') headers['Content-Type'] = body.contentType || 'application/octet-stream';
    if (method !== 'GET' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    if (opts.signal && BACKGROUND.has(opts.signal)) headers[BACKGROUND_HEADER] = '1';

    const exchange = body.kind === 'raw' && opts.onProgress && typeof XMLHttpRequest !== 'undefined' ? xhrExchange : this.fetchExchange;
    const res = await exchange(method, this.baseUrl + path, headers, body, opts);

    const payload = readJson(res);
    if (res.status < 200 || res.status > 299) {
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

  private readonly fetchExchange = async (method: Method, url: string, headers: Record<string, string>, body: Body, opts: InternalOptions): Promise<RawResponse> => {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      const res = await this.fetchImpl(url, {
        method,
        headers,
        body: body.kind === 'json' ? JSON.stringify(body.value) : body.kind === 'raw' ? body.data : null,
        credentials: 'same-origin',
        signal,
      });
      const text = res.status === 204 ? '' : await res.text();
      if (body.kind === 'raw') opts.onProgress?.(1);
      return { status: res.status, statusText: res.statusText, contentType: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), text };
    } catch (err) {
      if (opts.signal?.aborted) throw err; // the caller gave up; not an error to show
      if (timeout.aborted) throw timeoutProblem();
      throw networkProblem();
    }
  };

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

/** A JSON body; `undefined` sends none. */
function json(value: unknown): Body {
  return value === undefined ? { kind: 'none' } : { kind: 'json', value };
}

function readJson(res: RawResponse): unknown {
  if (res.status === 204 || !/json/i.test(res.contentType) || !res.text) return undefined;
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    return undefined;
  }
}

function problemFrom(res: RawResponse, payload: unknown): ApiError {
  const problem = Problem.safeParse(payload);
  const retryAfter = Number(res.retryAfter);
  if (problem.success) return new ApiError(problem.data, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  return new ApiError({ type: 'about:blank', title: res.statusText || 'Request failed', status: res.status, detail: `The server answered ${res.status}.` });
}

/** The same exchange over XMLHttpRequest, whose upload events give progress. */
function xhrExchange(method: Method, url: string, headers: Record<string, string>, body: Body, opts: InternalOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason as Error);
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'text';
    xhr.timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
    };
    const onAbort = () => xhr.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => opts.signal?.removeEventListener('abort', onAbort);
    xhr.onerror = () => {
      done();
      reject(networkProblem());
    };
    xhr.ontimeout = () => {
      done();
      reject(timeoutProblem());
    };
    xhr.onabort = () => {
      done();
      reject(opts.signal?.aborted ? (opts.signal.reason as Error) : new DOMException('The upload was stopped', 'AbortError'));
    };
    xhr.onload = () => {
      done();
      opts.onProgress?.(1);
      resolve({
        status: xhr.status,
        statusText: xhr.statusText,
        contentType: xhr.getResponseHeader('content-type') ?? '',
        retryAfter: xhr.getResponseHeader('retry-after'),
        text: xhr.responseText,
      });
    };
    xhr.send(body.kind === 'raw' ? body.data : body.kind === 'json' ? JSON.stringify(body.value) : null);
  });
}
