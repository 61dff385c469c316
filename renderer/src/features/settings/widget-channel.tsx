import { useId, useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useCan } from '../../app/session-gate';
import { CopyButton } from '../../shared/copy-button';
import { CheckboxField, TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { ModalDialog } from '../../shared/modal-dialog';
import { useSubmit } from '../../shared/use-submit';
import { ChannelFormActions, ChannelFrame, LoadProblemRow, str, useChannelCard, useChannelView, type ChannelProps } from './channel-parts';
import type { ChannelSummary, WidgetChannelView } from '@contract/channels';
import { useSettingsApi, type WidgetInput } from './settings.api';

const FIELD_LABEL: Record<string, string> = { allowedOrigins: 'Websites', title: 'Chat title', greeting: 'Greeting', color: 'Colour', askContactBefore: 'Contact details first' };

/** `allowedOrigins.2` -> "Websites, line 3". */
function describePath(path: string): string {
  const [field, index] = path.split('.');
  const label = FIELD_LABEL[field ?? ''] ?? path;
  return index !== undefined && /^\d+$/.test(index) ? `${label}, line ${Number(index) + 1}` : label;
}

/** The settings to send again unchanged, as the PUT replaces them all. */
function inputFrom(view: WidgetChannelView): WidgetInput {
  return {
    allowedOrigins: view.allowedOrigins,
    ...(view.title ? { title: view.title } : {}),
    ...(view.greeting ? { greeting: view.greeting } : {}),
    ...(view.color ? { color: view.color } : {}),
    askContactBefore: view.askContactBefore,
  };
}

export function WidgetChannel(props: ChannelProps) {
  const { propertyId, channel, onSaved } = props;
  const api = useSettingsApi();
  const can = useCan();
  const card = useChannelCard(props);
  const [rotating, setRotating] = useState(false);
  const { view, setSaved, problem, reload } = useChannelView(channel, (signal) => api.widget(propertyId, signal), [api, propertyId]);

  const done = (result: WidgetChannelView, message: string) => {
    setSaved(result);
    card.setNotice(message);
    onSaved();
  };

  return (
    <ChannelFrame
      {...card.frame}
      rows={
        <>
          {problem ? <LoadProblemRow label="Snippet" error={problem} onRetry={reload} /> : null}
          {view ? (
            <>
              <div>
                <dt>Allowed websites</dt>
                <dd>
                  <ul className="plain-list">
                    {view.allowedOrigins.map((o) => (
                      <li key={o}>
                        <code>{o}</code>
                      </li>
                    ))}
                  </ul>
                </dd>
              </div>
              <div>
                <dt>Chat title</dt>
                <dd>{view.title ?? <span className="muted">The hotel’s name</span>}</dd>
              </div>
              <div>
                <dt>Greeting</dt>
                <dd>{view.greeting ?? <span className="muted">The standard greeting</span>}</dd>
              </div>
              <div>
                <dt>Contact details</dt>
                <dd>{view.askContactBefore ? 'Asked before the chat starts' : 'Offered after the guest’s first message'}</dd>
              </div>
            </>
          ) : null}
        </>
      }
      form={
        <WidgetForm
          propertyId={propertyId}
          channel={channel}
          view={view}
          onDone={(result) => {
            card.closeForm();
            if (result) done(result, 'Website chat saved.');
          }}
        />
      }
    >
      {view ? (
        <div className="snippet">
          <p className="field-label">Paste this into every page of the hotel’s website that should offer the chat, just before &lt;/body&gt;:</p>
          <pre className="snippet-code">{view.snippet}</pre>
          <div className="copy-row">
            <CopyButton text={view.snippet} label="widget snippet" />
            {can('channels.write') ? (
              <button type="button" className="button button--small button--quiet" onClick={() => setRotating(true)}>
                Issue a new key
              </button>
            ) : null}
          </div>
        </div>
      ) : null}
      {rotating && view ? (
        <RotateKeyDialog
          propertyId={propertyId}
          view={view}
          onCancel={() => setRotating(false)}
          onRotated={(result) => {
            setRotating(false);
            done(result, 'New key issued. Paste the new snippet into the website: the old one no longer works.');
          }}
        />
      ) : null}
    </ChannelFrame>
  );
}

function WidgetForm({ propertyId, channel, view, onDone }: { propertyId: string; channel: ChannelSummary; view: WidgetChannelView | null; onDone: (saved: WidgetChannelView | null) => void }) {
  const api = useSettingsApi();
  const { error, busy, submit } = useSubmit<WidgetChannelView>(onDone);
  const s = channel.settings;
  const storedOrigins = view?.allowedOrigins ?? (Array.isArray(s.allowedOrigins) ? s.allowedOrigins.filter((o): o is string => typeof o === 'string') : []);
  const [origins, setOrigins] = useState(storedOrigins.join('\n'));
  const [title, setTitle] = useState(view?.title ?? str(s.title));
  const [greeting, setGreeting] = useState(view?.greeting ?? str(s.greeting));
  const [color, setColor] = useState(view?.color ?? str(s.color));
  const [askContactBefore, setAskContactBefore] = useState(view?.askContactBefore ?? s.askContactBefore === true);
  const originsId = useId();
  const originsError = error?.errors.find((e) => e.path === 'allowedOrigins' || e.path.startsWith('allowedOrigins.'))?.message;

  const input = (): WidgetInput => ({
    allowedOrigins: origins
      .split(/[\s,]+/)
      .map((o) => o.trim())
      .filter(Boolean),
    title: title.trim(),
    greeting: greeting.trim(),
    color: color.trim(),
    askContactBefore,
  });

  return (
    <form className="channel-form" noValidate aria-label="Set up website chat" onSubmit={(e) => void submit(e, () => api.putWidget(propertyId, input()))}>
      <FormProblem error={error} describePath={describePath} lead="Channel not saved" />
      <div className="form-grid">
        <div className={originsError ? 'field field--invalid' : 'field'}>
          <label htmlFor={originsId}>Websites allowed to show the chat</label>
          <textarea
            id={originsId}
            rows={3}
            value={origins}
            onChange={(e) => setOrigins(e.target.value)}
            placeholder="https://www.hotel.com"
            spellCheck={false}
            aria-invalid={originsError ? true : undefined}
            aria-describedby={`${originsId}-hint${originsError ? ` ${originsId}-error` : ''}`}
          />
          <p id={`${originsId}-hint`} className="field-hint">
            One address per line, as the browser shows it: https, no path, no wildcards (https://www.hotel.com).
          </p>
          {originsError ? (
            <p id={`${originsId}-error`} className="field-error">
              {originsError}
            </p>
          ) : null}
        </div>
        <TextField label="Chat title" value={title} onChange={setTitle} maxLength={60} autoComplete="off" hint="Optional; the hotel’s name by default." error={error?.fieldError('title')} />
        <TextField label="Greeting" value={greeting} onChange={setGreeting} maxLength={300} autoComplete="off" hint="Optional; the first thing the guest reads." error={error?.fieldError('greeting')} />
        <TextField label="Colour" value={color} onChange={setColor} maxLength={7} autoComplete="off" spellCheck={false} placeholder="#1f4e79" hint="Optional: the chat’s accent colour, as #rrggbb." error={error?.fieldError('color')} className="field--short" />
      </div>
      <CheckboxField
        label="Ask for the guest’s name and email or phone before the chat starts"
        checked={askContactBefore}
        onChange={setAskContactBefore}
        hint="Off: the guest can ask straight away and is offered to leave contact details after the first message."
      />
      <ChannelFormActions busy={busy} onCancel={() => onDone(null)} />
    </form>
  );
}

function RotateKeyDialog({ propertyId, view, onCancel, onRotated }: { propertyId: string; view: WidgetChannelView; onCancel: () => void; onRotated: (result: WidgetChannelView) => void }) {
  const api = useSettingsApi();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onRotated(await api.putWidget(propertyId, { ...inputFrom(view), rotateKey: true }));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="Issue a new widget key?" role="alertdialog" onCancel={onCancel}>
      <form noValidate onSubmit={(e) => void confirm(e)}>
        <p className="dialog-text">
          The chat stops working on every page that still has the current snippet, until the new snippet is pasted there. Do this when the key has been copied to a
          site that should not have it.
        </p>
        <FormProblem error={error} describePath={describePath} lead="No new key issued" />
        <div className="dialog-actions">
          <button type="submit" className="button button--danger" disabled={busy}>
            {busy ? 'Issuing…' : 'Issue new key'}
          </button>
          <button type="button" className="button" onClick={onCancel} data-autofocus>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
