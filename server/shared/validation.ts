import type { z } from 'zod';
import { ValidationError, zodIssues } from './errors.js';

/** Parses outside input with a schema; a failure becomes a 400 naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'The request'): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ValidationError(`${what} is not valid`, zodIssues(r.error.issues));
  return r.data;
}
