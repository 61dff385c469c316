import type { SessionInfo, User } from '@contract/auth';
import { roleAllows, type Permission } from '@contract/permissions';
import { createContext, Fragment, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context';
import { asApiError, isAbort, type ApiError } from '../api/client';
import { useAuthApi } from '../features/auth/auth.api';
import { SetupScreen } from '../features/auth/setup.screen';
import { SignInForm, SignInScreen } from '../features/auth/sign-in.screen';
import { ModalDialog } from '../shared/modal-dialog';

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

/**
 * Whether the signed-in role holds a permission, to show or hide actions. The server enforces the
 * same table (and hotel grants), so this only spares people buttons that would be refused.
 */
export function useCan(): (permission: Permission) => boolean {
  const { user } = useSession();
  return useCallback((permission: Permission) => roleAllows(user.role, permission), [user.role]);
}

type GateState =
  | { status: 'checking' }
  | { status: 'unavailable'; error: ApiError }
  | { status: 'signed-out'; setupRequired: boolean; notice?: string }
  // `expired`: the server ended the session; the screen stays (with what was typed) under a sign-in dialog.
  | { status: 'signed-in'; user: User; expired: boolean };

/** Shows the app only with a live session; otherwise sign-in, or first-run setup. */
export function SessionGate({ children }: { children: ReactNode }) {
  const api = useApi();
  const auth = useAuthApi();
  const [state, setState] = useState<GateState>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);
  const signedIn = useRef(false);
  // Resolves the client's pending "sign in again" request: true = same person, retry the calls.
  const pendingRenewal = useRef<((renewed: boolean) => void) | null>(null);

  useEffect(() => {
    signedIn.current = state.status === 'signed-in';
  }, [state]);

  const finishRenewal = useCallback((renewed: boolean) => {
    pendingRenewal.current?.(renewed);
    pendingRenewal.current = null;
  }, []);

  const begin = useCallback(
    (info: SessionInfo) => {
      if (info.authenticated && info.user) {
        api.setCsrfToken(info.csrfToken);
        // Setup is announced at /setup; once signed in, the app lives at the root.
        if (window.location.pathname !== '/') window.history.replaceState(null, '', `/${window.location.hash}`);
        setState({ status: 'signed-in', user: info.user, expired: false });
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
      api.setReauthenticator(
        () =>
          new Promise<boolean>((resolve) => {
            if (!signedIn.current) {
              resolve(false);
              return;
            }
            pendingRenewal.current = resolve;
            api.setCsrfToken(undefined);
            setState((s) => (s.status === 'signed-in' ? { ...s, expired: true } : s));
          }),
      ),
    [api],
  );

  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } catch {
      // Signed out here either way; the server expires the session on its own.
    }
    api.setCsrfToken(undefined);
    // The next person to sign in at this desk starts at the home screen, not where this one left off.
    window.history.replaceState(null, '', '/');
    setState({ status: 'signed-out', setupRequired: false, notice: 'You have signed out.' });
  }, [api, auth]);

  const user = state.status === 'signed-in' ? state.user : undefined;
  const session = useMemo(() => (user ? { user, signOut } : null), [user, signOut]);

  if (state.status === 'signed-in' && session) {
    const renewed = (info: SessionInfo) => {
      if (!info.authenticated || !info.user) return;
      // Someone else signing in gets a fresh app: the screen behind belonged to the previous user.
      finishRenewal(info.user.id === state.user.id);
      begin(info);
    };
    const giveUp = () => {
      finishRenewal(false);
      setState({ status: 'signed-out', setupRequired: false, notice: 'Your session has ended. Sign in again to continue.' });
    };
    return (
      <SessionContext value={session}>
        {/* Keyed by user, so a different person never sees the previous person's screen state. */}
        <Fragment key={state.user.id}>{children}</Fragment>
        {state.expired ? (
          <ModalDialog title="Your session has ended">
            <p className="dialog-text">
              Sign in again to carry on. What you typed on this screen is kept, and anything you were saving is sent once you are back.
            </p>
            <SignInForm initialEmail={state.user.email} onSignedIn={renewed} />
            <div className="dialog-actions">
              <button type="button" className="button button--quiet" onClick={giveUp}>
                Sign out instead
              </button>
            </div>
          </ModalDialog>
        ) : null}
      </SessionContext>
    );
  }
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
