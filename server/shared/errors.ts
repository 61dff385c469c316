/** Typed errors thrown by services; one middleware turns them into RFC 7807 problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(detail: string, errors: { path: string; message: string }[] = []) {
    super(400, 'validation-error', 'Invalid request', detail, errors.length ? { errors } : {});
  }
}
export class UnauthorizedError extends AppError {
  constructor(detail = 'Sign in to continue') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}
export class ForbiddenError extends AppError {
  constructor(detail = 'You do not have permission for this action') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}
export class NotFoundError extends AppError {
  constructor(detail = 'Not found') {
    super(404, 'not-found', 'Not found', detail);
  }
}
export class ConflictError extends AppError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(detail = 'Request body is too large') {
    super(413, 'payload-too-large', 'Payload too large', detail);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number, detail = 'Too many requests') {
    super(429, 'too-many-requests', 'Too many requests', detail, { retryAfter: retryAfterSeconds });
  }
}
export class UpstreamError extends AppError {
  constructor(detail: string) {
    super(502, 'upstream-error', 'Upstream service failed', detail);
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'unavailable', 'Service unavailable', detail);
  }
}

/** Turns zod issues into `{path, message}` pairs for a ValidationError. */
export function zodIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
export class UnsupportedMediaError extends AppError {
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail);
  }
}
