import type { ApiError } from '../api/client';

interface FormProblemProps {
  error: ApiError | null;
  /** A readable name for a field path such as `deskHours.mon.1.open`. */
  describePath?: (path: string) => string;
  lead?: string;
}

/** The summary above a form the server rejected: what went wrong, and which fields to look at. */
export function FormProblem({ error, describePath = (p) => p, lead = 'Could not save' }: FormProblemProps) {
  if (!error) return null;
  return (
    <div className="alert alert--error" role="alert">
      <p className="alert-title">
        {lead}: {error.errors.length > 0 ? 'check the fields marked below.' : (error.detail ?? error.title)}
      </p>
      {error.errors.length > 0 ? (
        <ul>
          {error.errors.map((e, i) => (
            <li key={`${e.path}-${i}`}>
              <strong>{describePath(e.path) || 'Form'}</strong>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {error.requestId ? <p className="alert-meta">Reference: {error.requestId}</p> : null}
    </div>
  );
}
