import { useState, type FormEvent } from 'react';
import { ApiError, asApiError } from '../../api/client';
import { useCan, useSession } from '../../app/session-gate';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { Screen } from '../../shared/screen';
import { roleLabel } from '../users/user-fields';
import { useAccountApi, type TotpEnrolment } from './account.api';

const PASSWORD_FIELDS: Record<string, string> = { currentPassword: 'Current password', newPassword: 'New password', confirm: 'Repeat new password' };

export function AccountScreen() {
  const { user } = useSession();
  const can = useCan();
  return (
    <Screen title="Your account" subtitle={`${user.displayName} · ${user.email} · ${roleLabel(user.role)}`}>
      <PasswordForm />
      {can('auth.totp') ? <TwoFactorPanel enabled={user.totpEnabled} /> : null}
    </Screen>
  );
}

function PasswordForm() {
  const api = useAccountApi();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNotice('');
    if (newPassword !== confirm) {
      setError(new ApiError({ type: 'about:blank#client-mismatch', title: 'Passwords differ', status: 0, errors: [{ path: 'confirm', message: 'does not match the new password' }] }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.changePassword(currentPassword, newPassword);
      setCurrent('');
      setNew('');
      setConfirm('');
      setNotice('Password changed. You stay signed in here; every other session of your account has been signed out.');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="account-password">
      <h2 id="account-password">Change password</h2>
      <p className="section-help">Changing it signs you out on every other computer and browser; this one stays signed in.</p>
      <form className="stack-form" noValidate onSubmit={(e) => void submit(e)}>
        <FormProblem error={error} describePath={(p) => PASSWORD_FIELDS[p] ?? p} lead="Password not changed" />
        <TextField
          label="Current password"
          type="password"
          value={currentPassword}
          onChange={setCurrent}
          autoComplete="current-password"
          required
          error={error?.fieldError('currentPassword')}
          className="field--medium"
        />
        <TextField
          label="New password"
          type="password"
          value={newPassword}
          onChange={setNew}
          autoComplete="new-password"
          required
          hint="At least 12 characters. A short sentence is easy to remember."
          error={error?.fieldError('newPassword')}
          className="field--medium"
        />
        <TextField
          label="Repeat new password"
          type="password"
          value={confirm}
          onChange={setConfirm}
          autoComplete="new-password"
          required
          error={error?.fieldError('confirm')}
          className="field--medium"
        />
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
        <p className="notice" role="status">
          {notice}
        </p>
      </form>
    </section>
  );
}

/** Optional TOTP for admins and managers: the otpauth URI is shown as text to paste into an authenticator app. */
function TwoFactorPanel({ enabled }: { enabled: boolean }) {
  const api = useAccountApi();
  const [on, setOn] = useState(enabled);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      setEnrolment(await api.startTotp());
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  async function confirmCode(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.confirmTotp(code.trim());
      setOn(true);
      setEnrolment(null);
      setCode('');
      setNotice('Two-factor sign-in is on. From now on, sign-in asks for the code from your app.');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="account-2fa">
      <h2 id="account-2fa">Two-factor sign-in</h2>
      <p className="notice" role="status">
        {notice}
      </p>
      {on && !enrolment ? <p>On: signing in asks for a six-digit code from your authenticator app.</p> : null}
      {!on && !enrolment ? (
        <>
          <p className="section-help">Recommended for admins and managers: a stolen password alone is then not enough to sign in.</p>
          <FormProblem error={error} lead="Could not start" />
          <button type="button" className="button" disabled={busy} onClick={() => void start()}>
            {busy ? 'Starting…' : 'Set up two-factor sign-in'}
          </button>
        </>
      ) : null}
      {enrolment ? (
        <form className="stack-form" noValidate onSubmit={(e) => void confirmCode(e)}>
          <ol className="steps">
            <li>
              In your authenticator app, add an account and paste this setup link (or type the key by hand):
              <pre className="otpauth" tabIndex={0} aria-label="Setup link">
                {enrolment.uri}
              </pre>
              <p className="field-hint">
                Key: <code>{enrolment.secret}</code>
              </p>
            </li>
            <li>Enter the six-digit code the app now shows.</li>
          </ol>
          <FormProblem error={error} describePath={(p) => (p === 'code' ? 'Code' : p)} lead="Not turned on" />
          <TextField
            label="Code from the app"
            value={code}
            onChange={setCode}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            error={error?.fieldError('code')}
            className="field--short"
          />
          <div className="form-actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? 'Checking…' : 'Turn on two-factor sign-in'}
            </button>
            <button type="button" className="button" onClick={() => setEnrolment(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
