import type { SessionInfo } from '@contract/auth';
import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { Screen } from '../../shared/screen';
import { useAuthApi } from './auth.api';

const FIELD_NAMES: Record<string, string> = { token: 'Setup token', email: 'Email', displayName: 'Your name', password: 'Password' };

/** First run: nobody has an account yet; the one-time token printed by the server creates the first admin. */
export function SetupScreen({ onDone }: { onDone: (session: SessionInfo) => void }) {
  const auth = useAuthApi();
  const [token, setToken] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await auth.setup({ token: token.trim(), email, displayName, password }));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Screen title="Set up Nocturn" subtitle="Create the first administrator account.">
      <form className="panel auth-form" noValidate onSubmit={(e) => void submit(e)}>
        <FormProblem error={error} describePath={(p) => FIELD_NAMES[p] ?? p} lead="Could not finish setup" />
        <TextField
          label="Setup token"
          value={token}
          onChange={setToken}
          autoComplete="off"
          spellCheck={false}
          required
          hint="Printed on the console where Nocturn was started. It works once."
          error={error?.fieldError('token')}
        />
        <TextField label="Email" type="email" value={email} onChange={setEmail} autoComplete="username" required error={error?.fieldError('email')} />
        <TextField label="Your name" value={displayName} onChange={setDisplayName} autoComplete="name" required error={error?.fieldError('displayName')} />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          required
          hint="At least 12 characters."
          error={error?.fieldError('password')}
        />
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Creating account…' : 'Create administrator'}
          </button>
        </div>
      </form>
    </Screen>
  );
}
