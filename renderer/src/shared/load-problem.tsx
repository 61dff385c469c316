import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';

/** Shown instead of a screen's data when the server answers 403: nothing of the data is on the page. */
export function AccessDenied({ children }: { children: ReactNode }) {
  return (
    <div className="empty-state access-denied" role="alert">
      <h2 className="empty-title">You don’t have access</h2>
      <div className="muted">{children}</div>
    </div>
  );
}

interface LoadProblemProps {
  error: ApiError;
  /** What was being loaded, such as "the audit log". */
  what: string;
  /** Said when the server answers 403. */
  denied: ReactNode;
  onRetry?: () => void;
}

/** The error state of a screen whose data did not load: access denied, or a failure to retry. */
export function LoadProblem({ error, what, denied, onRetry }: LoadProblemProps) {
  if (error.status === 403) return <AccessDenied>{denied}</AccessDenied>;
  return (
    <div className="alert alert--error" role="alert">
      <p className="alert-title">
        Could not load {what}: {error.detail ?? error.title}
      </p>
      {error.requestId ? <p className="alert-meta">Reference: {error.requestId}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
