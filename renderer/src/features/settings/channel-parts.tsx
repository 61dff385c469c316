import { useState, type DependencyList, type ReactNode } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useCan } from '../../app/session-gate';
import { CopyButton } from '../../shared/copy-button';
import { formatDateTime } from '../../shared/format';
import { useResource } from '../../shared/use-resource';
import { useSettingsApi } from './settings.api';
import { CHECKABLE_CHANNELS, type ChannelCheck, type ChannelName, type ChannelSummary, type CheckableChannel } from '@contract/channels';
import { CHANNEL_LABEL } from '@contract/conversations';

const KEY_LABEL: Record<ChannelName, string> = { whatsapp: 'Phone number id', email: 'Inbound address', widget: 'Widget key' };
const SECRET_LABEL: Record<string, string> = {
  appSecret: 'app secret',
  accessToken: 'access token',
  verifyToken: 'verify token',
  apiKey: 'API key',
  smtpPassword: 'SMTP password',
  webhookKey: 'webhook key',
  signingKey: 'signing key',
  webhookPassword: 'webhook password',
};

/** What each channel's card gets from the list. */
export interface ChannelProps {
  propertyId: string;
  channel: ChannelSummary;
  /** After a save: the list is fetched again (state, stored secrets, time of change), after checking the credentials when named. */
  onSaved: (check?: CheckableChannel) => void;
}

export const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * One channel of a hotel: its heading and state, what staff need to paste elsewhere, which
 * secrets are stored (never their values), and the set-up form for those allowed to change it.
 */
const CHECK_BADGE: Record<ChannelCheck['state'], { text: string; tone: string }> = {
  connected: { text: 'Connected', tone: 'badge--on' },
  rejected: { text: 'Credentials rejected', tone: 'badge--bad' },
  unreachable: { text: 'Unreachable', tone: 'badge--warn' },
};

/** What the card's badge says: WhatsApp and email are Connected only after the provider said so. */
function channelBadge(c: ChannelSummary): { text: string; tone: string } {
  if (!c.configured) return { text: 'Not set up', tone: 'badge--off' };
  if (!c.active) return { text: 'Switched off', tone: 'badge--warn' };
  if (!isCheckable(c.channel)) return { text: 'Connected', tone: 'badge--on' };
  return c.check ? CHECK_BADGE[c.check.state] : { text: 'Not checked yet', tone: 'badge--off' };
}

const isCheckable = (name: ChannelName): name is CheckableChannel => (CHECKABLE_CHANNELS as readonly string[]).includes(name);

export function ChannelFrame({
  propertyId,
  channel: c,
  editing,
  onEdit,
  onChecked,
  rows,
  children,
  form,
  notice,
}: {
  propertyId: string;
  channel: ChannelSummary;
  editing: boolean;
  onEdit: () => void;
  /** After "Check again": the list is read again with the new answer. */
  onChecked?: () => void;
  /** Channel-specific rows of the status list, before the common ones. */
  rows?: ReactNode;
  /** Below the status list: snippets, notes, extra actions. */
  children?: ReactNode;
  form: ReactNode;
  notice: string;
}) {
  const can = useCan();
  const title = CHANNEL_LABEL[c.channel];
  const headingId = `channel-${c.channel}`;
  const badge = channelBadge(c);
  return (
    <section aria-labelledby={headingId}>
      <div className="channel-head">
        <h3 id={headingId}>{title}</h3>
        <span className={`badge ${badge.tone}`}>{badge.text}</span>
        {can('channels.write') && !editing ? (
          <button type="button" className="button button--small" onClick={onEdit}>
            {c.configured ? 'Change' : 'Set up'}
            <span className="visually-hidden"> {title}</span>
          </button>
        ) : null}
      </div>
      <p className="notice" role="status">
        {notice}
      </p>
      <dl className="status-list">
        {rows}
        {c.routingKey ? (
          <div>
            <dt>{KEY_LABEL[c.channel]}</dt>
            <dd>
              <code>{c.routingKey}</code>
            </dd>
          </div>
        ) : null}
        {c.secretsSet.length > 0 ? (
          <div>
            <dt>Stored secrets</dt>
            <dd>{c.secretsSet.map((s) => SECRET_LABEL[s] ?? s).join(', ')} (never shown)</dd>
          </div>
        ) : null}
        {c.updatedAt ? (
          <div>
            <dt>Changed</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
          </div>
        ) : null}
        {c.configured && c.active && isCheckable(c.channel) ? <CheckRow propertyId={propertyId} channel={c.channel} check={c.check} onChecked={onChecked} /> : null}
      </dl>
      {children}
      {editing ? form : null}
    </section>
  );
}

/** The last credentials check: what the provider said, when, and "Check again". */
function CheckRow({ propertyId, channel, check, onChecked }: { propertyId: string; channel: CheckableChannel; check: ChannelCheck | null; onChecked: (() => void) | undefined }) {
  const api = useSettingsApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await api.checkChannel(propertyId, channel);
      onChecked?.();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div>
      <dt>Last check</dt>
      <dd>
        {check ? (
          <>
            {check.detail} <span className="muted">Checked {formatDateTime(check.checkedAt)}.</span>
          </>
        ) : (
          <span className="muted">The credentials have not been checked with the provider yet.</span>
        )}{' '}
        <button type="button" className="button button--small" disabled={busy} onClick={() => void run()}>
          {busy ? 'Checking…' : check ? 'Check again' : 'Check now'}
          <span className="visually-hidden"> {CHANNEL_LABEL[channel]}</span>
        </button>
        {error ? (
          <span className="field-error" role="alert">
            {' '}
            Could not check: {error.detail ?? error.title}
          </span>
        ) : null}
      </dd>
    </div>
  );
}

/**
 * What every channel card keeps for its frame: whether the set-up form is open and the notice
 * above the status list. Opening the form clears the last notice; `frame` goes to ChannelFrame.
 */
export function useChannelCard({ propertyId, channel, onSaved }: ChannelProps) {
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState('');
  const onEdit = () => {
    setNotice('');
    setEditing(true);
  };
  return { frame: { propertyId, channel, onChecked: onSaved, editing, onEdit, notice }, closeForm: () => setEditing(false), setNotice };
}

/**
 * A configured channel's full settings: as loaded, then as the last PUT answered, which may hold
 * what no later GET shows (a new SendGrid key). `problem` is a failed load that no save replaced.
 */
export function useChannelView<T>(channel: ChannelSummary, load: (signal: AbortSignal) => Promise<T>, deps: DependencyList) {
  const [saved, setSaved] = useState<T | null>(null);
  const [loaded, { reload }] = useResource((signal) => (channel.configured ? load(signal) : Promise.resolve(null)), [...deps, channel.configured]);
  const view = saved ?? (loaded.status === 'ready' ? loaded.data : null);
  const problem = loaded.status === 'error' && !saved ? loaded.error : null;
  return { view, setSaved, problem, reload };
}

/** A status-list row for settings that did not load, with "Try again". */
export function LoadProblemRow({ label, error, onRetry }: { label: string; error: ApiError; onRetry: () => void }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        Could not load: {error.detail ?? error.title}{' '}
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      </dd>
    </div>
  );
}

/** A status-list row with a value to paste somewhere else and its copy button. */
export function CopyRow({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className="copy-row">
        <code className="copy-value">{value}</code>
        <CopyButton text={value} label={copyLabel} />
      </dd>
    </div>
  );
}

export function ChannelFormActions({ busy, onCancel }: { busy: boolean; onCancel: () => void }) {
  return (
    <div className="form-actions">
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save channel'}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** The hint for a secret field: whether one is stored (and kept when left blank), else `otherwise`. */
export function secretHint(channel: ChannelSummary, name: string, otherwise?: string): string | undefined {
  return channel.secretsSet.includes(name) ? 'Stored. Leave blank to keep it.' : otherwise;
}
