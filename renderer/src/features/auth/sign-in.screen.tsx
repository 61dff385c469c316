import type { SessionInfo } from '@contract/auth';
import { useEffect, useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { Screen } from '../../shared/screen';
import { useAuthApi } from './auth.api';

const FIELD_NAMES: Record<string, string> = { email: 'Email', password: 'Password', totp: 'Two-factor code' };

export function SignInScreen({ notice, onSignedIn }: { notice?: string | undefined; onSignedIn: (session: SessionInfo) => void }) {
  return (
    <Screen title="Sign in" subtitle="Nocturn staff console">
      {notice ? <p className="notice notice--info">{notice}</p> : null}
      <SignInForm onSignedIn={onSignedIn} />
    </Screen>
  );
}

interface SignInFormProps {
  onSignedIn: (session: SessionInfo) => void;
  initialEmail?: string;
}

/** Email, password and an optional two-factor code; used by the sign-in screen and the "session ended" dialog. */
export function SignInForm({ onSignedIn, initialEmail = '' }: SignInFormProps) {
  const auth = useAuthApi();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // Set while the server refuses sign-ins (429): the button waits out the Retry-After time.
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const locked = lockedUntil !== null;

  useEffect(() => {
    if (lockedUntil === null) return;
    const timer = setTimeout(() => setLockedUntil(null), Math.max(0, lockedUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [lockedUntil]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (locked) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await auth.login({ email, password, ...(totp.trim() ? { totp: totp.trim() } : {}) }));
    } catch (err) {
      const problem = asApiError(err);
      setError(problem);
      setPassword('');
      if (problem.status === 429) setLockedUntil(Date.now() + (problem.retryAfterSeconds ?? 60) * 1000);
    } finally {
      setBusy(false);
    }
  }

  const lockout = error?.status === 429;
  return (
    <form className="panel auth-form" noValidate onSubmit={(e) => void submit(e)}>
      {lockout ? (
        <div className="alert alert--error" role="alert">
          <p className="alert-title">Sign-in is locked for now</p>
          <p className="alert-body">{error.detail ?? 'Too many failed sign-ins.'}</p>
          <p className="alert-meta">
            {locked
              ? 'This protects the account from password guessing. The Sign in button comes back when the wait is over.'
              : 'The wait is over: you can try again now.'}
          </p>
        </div>
      ) : (
        <FormProblem error={error} describePath={(p) => FIELD_NAMES[p] ?? p} lead="Could not sign in" />
      )}
      <TextField label="Email" type="email" value={email} onChange={setEmail} autoComplete="username" required error={error?.fieldError('email')} />
      <TextField
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
        required
        data-autofocus={initialEmail ? true : undefined}
        error={error?.fieldError('password')}
      />
      <TextField
        label="Two-factor code"
        value={totp}
        onChange={setTotp}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        hint="Only if your account uses an authenticator app."
        error={error?.fieldError('totp')}
        className="field--short"
      />
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy || locked}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}
