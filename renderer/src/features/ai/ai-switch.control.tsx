import type { AiSwitchState } from '@contract/auth';
import { useEffect, useState, type FormEvent } from 'react';
import { asApiError, isAbort, type ApiError } from '../../api/client';
import { hrefFor } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { formatDateTime } from '../../shared/format';
import { ModalDialog } from '../../shared/modal-dialog';
import { useAiApi, type AiScope } from './ai.api';
import { permissionFor } from './ai-pause.banner';
import { useAiStatus } from './ai-status';

interface AiSwitchControlProps {
  scope: AiScope;
  /** "all hotels" or the hotel's name; used in labels and messages. */
  name: string;
}

/** The kill switch for one scope: its state, Pause (after a confirmation with a reason) or Resume. */
export function AiSwitchControl({ scope, name }: AiSwitchControlProps) {
  const ai = useAiApi();
  const { version, changed } = useAiStatus();
  const can = useCan();
  const allowed = can(permissionFor(scope));
  const [state, setState] = useState<AiSwitchState | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const scopeId = scope.kind === 'group' ? '' : scope.id;

  // Read again whenever any control or the banner changed a switch.
  useEffect(() => {
    const controller = new AbortController();
    const target: AiScope = scopeId ? { kind: 'property', id: scopeId } : { kind: 'group' };
    ai.state(target, controller.signal).then(
      (s) => {
        if (controller.signal.aborted) return;
        setState(s);
        setLoadError(null);
      },
      (err: unknown) => {
        if (!controller.signal.aborted && !isAbort(err)) setLoadError(asApiError(err));
      },
    );
    return () => controller.abort();
  }, [ai, scopeId, version]);

  async function apply(paused: boolean) {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      const next = await ai.set(scope, paused, paused ? reason : undefined);
      setState(next);
      setConfirming(false);
      setReason('');
      setNotice(paused ? `AI paused for ${name}.` : `AI resumed for ${name}.`);
      changed();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  function confirm(e: FormEvent) {
    e.preventDefault();
    void apply(true);
  }

  if (!state) {
    return loadError ? (
      <p className="field-error" role="alert">
        Could not read the AI switch: {loadError.detail ?? loadError.title}
      </p>
    ) : (
      <p className="muted">Reading the AI switch…</p>
    );
  }

  // A hotel paused by the group's switch is resumed there, not here.
  const byGroup = scope.kind === 'property' && state.paused && state.pausedBy === 'group';
  return (
    <div className="ai-switch">
      <div className="ai-switch-state">
        <span className={state.paused ? 'badge badge--paused' : 'badge badge--on'}>{state.paused ? 'Paused' : 'AI replies on'}</span>
        <span>
          {state.paused
            ? byGroup
              ? 'Paused for the whole group.'
              : 'Guests’ messages are stored and shown to staff, but nothing is sent automatically.'
            : 'Replies to guests are sent automatically.'}
          {state.paused && state.reason ? ` Reason: ${state.reason}.` : ''}
          {state.paused && state.changedAt ? ` Since ${formatDateTime(state.changedAt)}.` : ''}
        </span>
      </div>
      <div className="ai-switch-actions">
        {allowed && !byGroup ? (
          <button
            type="button"
            className={state.paused ? 'button' : 'button button--danger'}
            disabled={busy}
            onClick={() => {
              setError(null);
              setNotice('');
              if (state.paused) void apply(false);
              else setConfirming(true);
            }}
          >
            {state.paused ? 'Resume AI' : 'Pause AI'}
            <span className="visually-hidden"> for {name}</span>
          </button>
        ) : null}
        {byGroup ? (
          <a href={hrefFor({ screen: 'ai' })}>Group-wide switch</a>
        ) : !allowed ? (
          <span className="muted">{scope.kind === 'group' ? 'Only admins can pause every hotel.' : 'Managers and admins can pause the AI.'}</span>
        ) : null}
        <p className="notice" role="status">
          {notice}
        </p>
      </div>
      {!confirming && error ? <FormProblem error={error} lead="Could not change the AI switch" /> : null}
      {confirming ? (
        <ModalDialog title={`Pause the AI for ${name}?`} role="alertdialog" onCancel={() => setConfirming(false)}>
          <form noValidate onSubmit={confirm}>
            <p className="dialog-text">
              Guests’ messages keep arriving and are shown to staff, but no reply is sent automatically until someone resumes the AI. Every
              signed-in colleague sees a banner while it is paused.
            </p>
            <FormProblem error={error} describePath={(p) => (p === 'reason' ? 'Reason' : p)} lead="Could not pause" />
            <TextField
              label="Reason"
              value={reason}
              onChange={setReason}
              maxLength={300}
              autoComplete="off"
              hint="Optional. Shown in the banner and kept in the audit log."
              error={error?.fieldError('reason')}
            />
            <div className="dialog-actions">
              <button type="submit" className="button button--danger" disabled={busy}>
                {busy ? 'Pausing…' : 'Pause AI now'}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </form>
        </ModalDialog>
      ) : null}
    </div>
  );
}
