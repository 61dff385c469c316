import type { SessionInfo } from '@contract/auth';
import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { Screen } from '../../shared/screen';
import { useAuthApi } from './auth.api';

const FIELD_NAMES: Record<string, string> = { email: 'Email', password: 'Password', totp: 'Two-factor code' };

export function SignInScreen({ notice, onSignedIn }: { notice?: string | undefined; onSignedIn: (session: SessionInfo) => void }) {
  const auth = useAuthApi();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await auth.login({ email, password, ...(totp.trim() ? { totp: totp.trim() } : {}) }));
    } catch (err) {
      setError(asApiError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Screen title="Sign in" subtitle="Nocturn staff console">
      {notice && !error ? <p className="notice notice--info">{notice}</p> : null}
      <form className="panel auth-form" noValidate onSubmit={(e) => void submit(e)}>
        <FormProblem error={error} describePath={(p) => FIELD_NAMES[p] ?? p} lead="Could not sign in" />
        <TextField label="Email" type="email" value={email} onChange={setEmail} autoComplete="username" required error={error?.fieldError('email')} />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          required
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
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </Screen>
  );
}
