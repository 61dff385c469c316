import type { SessionInfo, User } from '@contract/auth';
import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context';
import { asApiError, isAbort, type ApiError } from '../api/client';
import { useAuthApi } from '../features/auth/auth.api';
import { SetupScreen } from '../features/auth/setup.screen';
import { SignInScreen } from '../features/auth/sign-in.screen';

export interface Session {
  user: User;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in staff member; only available inside the gate. */
export function useSession(): Session {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession() needs a <SessionGate> above it');
  return session;
}

type GateState =
  | { status: 'checking' }
  | { status: 'unavailable'; error: ApiError }
  | { status: 'signed-out'; setupRequired: boolean; notice?: string }
  | { status: 'signed-in'; user: User };

/** Shows the app only with a live session; otherwise sign-in, or first-run setup. */
export function SessionGate({ children }: { children: ReactNode }) {
  const api = useApi();
  const auth = useAuthApi();
  const [state, setState] = useState<GateState>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);

  const begin = useCallback(
    (info: SessionInfo) => {
      if (info.authenticated && info.user) {
        api.setCsrfToken(info.csrfToken);
        // Setup is announced at /setup; once signed in, the app lives at the root.
        if (window.location.pathname !== '/') window.history.replaceState(null, '', `/${window.location.hash}`);
        setState({ status: 'signed-in', user: info.user });
      } else {
        api.setCsrfToken(undefined);
        setState({ status: 'signed-out', setupRequired: info.setupRequired });
      }
    },
    [api],
  );

  useEffect(() => {
    const controller = new AbortController();
    auth.session(controller.signal).then(begin, (err: unknown) => {
      if (!controller.signal.aborted && !isAbort(err)) setState({ status: 'unavailable', error: asApiError(err) });
    });
    return () => controller.abort();
  }, [auth, begin, attempt]);

  useEffect(
    () =>
      api.onUnauthorized(() => {
        api.setCsrfToken(undefined);
        setState({ status: 'signed-out', setupRequired: false, notice: 'Your session has ended. Sign in again to continue.' });
      }),
    [api],
  );

  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } catch {
      // Signed out here either way; the server expires the session on its own.
    }
    api.setCsrfToken(undefined);
    setState({ status: 'signed-out', setupRequired: false, notice: 'You have signed out.' });
  }, [api, auth]);

  const session = useMemo(() => (state.status === 'signed-in' ? { user: state.user, signOut } : null), [state, signOut]);

  if (session) return <SessionContext value={session}>{children}</SessionContext>;
  return (
    <main className="auth-page">
      {state.status === 'checking' ? <p className="muted">Loading…</p> : null}
      {state.status === 'unavailable' ? (
        <div className="alert alert--error" role="alert">
          <p className="alert-title">
            {state.error.title}. {state.error.detail}
          </p>
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : null}
      {state.status === 'signed-out' && state.setupRequired ? <SetupScreen onDone={begin} /> : null}
      {state.status === 'signed-out' && !state.setupRequired ? <SignInScreen notice={state.notice} onSignedIn={begin} /> : null}
    </main>
  );
}
