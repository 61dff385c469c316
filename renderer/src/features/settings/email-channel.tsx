import { useId, useState } from 'react';
import { CheckboxField, SelectField, TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { useSubmit } from '../../shared/use-submit';
import { ChannelFormActions, ChannelFrame, CopyRow, LoadProblemRow, secretHint, str, useChannelCard, useChannelView, type ChannelProps } from './channel-parts';
import { EMAIL_PROVIDERS, type ChannelSummary, type EmailChannelView, type EmailProvider } from '@contract/channels';
import { useSettingsApi, type EmailInput, type EmailSendVia } from './settings.api';

const PROVIDER_LABEL: Record<EmailProvider, string> = { sendgrid: 'SendGrid', mailgun: 'Mailgun', postmark: 'Postmark' };
const PROVIDER_OPTIONS = EMAIL_PROVIDERS.map((value) => ({ value, label: PROVIDER_LABEL[value] }));
const API_KEY_HINT: Record<EmailProvider, string> = {
  sendgrid: 'A SendGrid API key with Mail Send permission.',
  mailgun: 'Your Mailgun private API key.',
  postmark: 'The Postmark server API token.',
};
const FIELD_LABEL: Record<string, string> = {
  provider: 'Provider',
  inboundAddress: 'Inbound address',
  fromAddress: 'Reply from',
  fromName: 'Sender name',
  sendVia: 'Send replies by',
  smtpHost: 'SMTP host',
  smtpPort: 'SMTP port',
  smtpUser: 'SMTP user name',
  smtpPassword: 'SMTP password',
  apiKey: 'API key',
  mailgunDomain: 'Mailgun sending domain',
  webhookKey: 'Webhook key',
  signingKey: 'Webhook signing key',
  webhookUsername: 'Webhook user name',
  webhookPassword: 'Webhook password',
};

/** The URLs to paste into the provider: Mailgun also takes the raw message at `/mime`. */
function webhookUrls(view: EmailChannelView): { label: string; url: string; copyLabel: string }[] {
  switch (view.provider) {
    case 'sendgrid':
      return [{ label: 'Inbound Parse URL', url: view.webhookUrl, copyLabel: 'SendGrid Inbound Parse URL' }];
    case 'mailgun':
      return [
        { label: 'Route forward URL', url: view.webhookUrl, copyLabel: 'Mailgun route URL' },
        { label: 'Or, raw message', url: `${view.webhookUrl.replace(/\/+$/, '')}/mime`, copyLabel: 'Mailgun raw message route URL' },
      ];
    case 'postmark':
      return [{ label: 'Inbound webhook URL', url: view.webhookUrl, copyLabel: 'Postmark inbound webhook URL' }];
  }
}

/** A SendGrid URL still carrying its key, as the PUT that generated the key answers once. */
const carriesNewKey = (view: EmailChannelView) => view.provider === 'sendgrid' && !view.webhookUrl.includes('<webhook key>');

export function EmailChannel(props: ChannelProps) {
  const { propertyId, channel, onSaved } = props;
  const api = useSettingsApi();
  const card = useChannelCard(props);
  // The PUT's answer is kept while the card is shown: a newly generated SendGrid key is in it and nowhere else.
  const { view, setSaved, problem, reload } = useChannelView(channel, (signal) => api.email(propertyId, signal), [api, propertyId]);

  return (
    <ChannelFrame
      {...card.frame}
      rows={
        <>
          {problem ? <LoadProblemRow label="Webhook URL" error={problem} onRetry={reload} /> : null}
          {view ? (
            <>
              <div>
                <dt>Provider</dt>
                <dd>{PROVIDER_LABEL[view.provider]}</dd>
              </div>
              <div>
                <dt>Replies from</dt>
                <dd>{view.fromName ? `${view.fromName} <${view.fromAddress}>` : view.fromAddress}</dd>
              </div>
              <div>
                <dt>Replies sent by</dt>
                <dd>
                  {view.sendVia === 'smtp'
                    ? `SMTP server ${view.smtpHost ?? '?'}${view.smtpPort ? `:${view.smtpPort}` : ''}${view.smtpUser ? `, as ${view.smtpUser}` : ''}`
                    : `${PROVIDER_LABEL[view.provider]} API${view.mailgunDomain ? `, domain ${view.mailgunDomain}` : ''}`}
                </dd>
              </div>
              {webhookUrls(view).map((w) => (
                <CopyRow key={w.label} label={w.label} value={w.url} copyLabel={w.copyLabel} />
              ))}
            </>
          ) : null}
        </>
      }
      form={
        <EmailForm
          propertyId={propertyId}
          channel={channel}
          onDone={(result) => {
            card.closeForm();
            if (result) {
              setSaved(result);
              card.setNotice('Email saved. Paste the webhook URL below into the provider’s inbound settings.');
              onSaved('email');
            }
          }}
        />
      }
    >
      {view ? (
        carriesNewKey(view) ? (
          <div className="alert alert--warn">
            <p className="alert-title">Copy the Inbound Parse URL now: it contains a secret key that is shown only this once.</p>
            <p className="alert-body">{view.webhookNote}</p>
          </div>
        ) : (
          <p className="field-hint channel-note">{view.webhookNote}</p>
        )
      ) : null}
    </ChannelFrame>
  );
}

function EmailForm({ propertyId, channel, onDone }: { propertyId: string; channel: ChannelSummary; onDone: (saved: EmailChannelView | null) => void }) {
  const api = useSettingsApi();
  const { error, busy, submit } = useSubmit<EmailChannelView>(onDone);
  const s = channel.settings;
  const sendViaName = useId();
  const [provider, setProvider] = useState<EmailProvider>(PROVIDER_OPTIONS.find((p) => p.value === s.provider)?.value ?? 'sendgrid');
  const [inboundAddress, setInbound] = useState(channel.routingKey ?? '');
  // The stored sender is the inbound address unless another was chosen; only a different one is shown.
  const [fromAddress, setFrom] = useState(str(s.fromAddress) !== channel.routingKey ? str(s.fromAddress) : '');
  const [fromName, setFromName] = useState(str(s.fromName));
  const [sendVia, setSendVia] = useState<EmailSendVia>(s.sendVia === 'smtp' ? 'smtp' : 'api');
  const [apiKey, setApiKey] = useState('');
  const [mailgunDomain, setMailgunDomain] = useState(str(s.mailgunDomain));
  const [smtpHost, setSmtpHost] = useState(str(s.smtpHost));
  const [smtpPort, setSmtpPort] = useState(typeof s.smtpPort === 'number' ? String(s.smtpPort) : '');
  const [smtpUser, setSmtpUser] = useState(str(s.smtpUser));
  const [smtpPassword, setSmtpPassword] = useState('');
  const [webhookKey, setWebhookKey] = useState('');
  const [signingKey, setSigningKey] = useState('');
  const [webhookUsername, setWebhookUsername] = useState(str(s.webhookUsername));
  const [webhookPassword, setWebhookPassword] = useState('');
  const [active, setActive] = useState(channel.configured ? channel.active : true);
  const fieldError = (path: string) => error?.fieldError(path);

  function input(): EmailInput {
    const port = smtpPort.trim();
    return {
      provider,
      inboundAddress: inboundAddress.trim(),
      fromAddress: fromAddress.trim(),
      fromName: fromName.trim(),
      sendVia,
      ...(sendVia === 'smtp'
        ? { smtpHost: smtpHost.trim(), ...(port ? { smtpPort: Number(port) } : {}), smtpUser: smtpUser.trim(), smtpPassword }
        : { apiKey: apiKey.trim(), ...(provider === 'mailgun' ? { mailgunDomain: mailgunDomain.trim() } : {}) }),
      ...(provider === 'sendgrid' ? { webhookKey: webhookKey.trim() } : {}),
      ...(provider === 'mailgun' ? { signingKey: signingKey.trim() } : {}),
      ...(provider === 'postmark' ? { webhookUsername: webhookUsername.trim(), webhookPassword } : {}),
      active,
    };
  }

  return (
    <form className="channel-form" noValidate aria-label="Set up email" onSubmit={(e) => void submit(e, () => api.putEmail(propertyId, input()))}>
      <FormProblem error={error} describePath={(p) => FIELD_LABEL[p] ?? p} lead="Channel not saved" />
      <div className="form-grid">
        <SelectField label="Provider" value={provider} options={PROVIDER_OPTIONS} onChange={setProvider} error={fieldError('provider')} />
        <TextField
          label="Inbound address"
          type="email"
          value={inboundAddress}
          onChange={setInbound}
          autoComplete="off"
          spellCheck={false}
          hint="The address guests write to, routed to the provider’s inbound processing."
          error={fieldError('inboundAddress')}
        />
        <TextField
          label="Reply from"
          type="email"
          value={fromAddress}
          onChange={setFrom}
          autoComplete="off"
          spellCheck={false}
          hint={provider === 'postmark' ? 'A verified sender signature; Postmark’s inbound addresses cannot send.' : 'Optional; the inbound address by default.'}
          error={fieldError('fromAddress')}
        />
        <TextField label="Sender name" value={fromName} onChange={setFromName} maxLength={120} autoComplete="off" hint="Optional, such as the hotel’s name." error={fieldError('fromName')} />
      </div>

      <fieldset className="grants">
        <legend>Receiving: proof that a delivery comes from {PROVIDER_LABEL[provider]}</legend>
        <div className="form-grid">
          {provider === 'sendgrid' ? (
            <TextField
              label="Webhook key"
              type="password"
              value={webhookKey}
              onChange={setWebhookKey}
              autoComplete="off"
              spellCheck={false}
              hint={secretHint(channel, 'webhookKey', 'Optional: leave blank and Nocturn makes one, shown once in the Inbound Parse URL.')}
              error={fieldError('webhookKey')}
            />
          ) : null}
          {provider === 'mailgun' ? (
            <TextField
              label="Webhook signing key"
              type="password"
              value={signingKey}
              onChange={setSigningKey}
              autoComplete="off"
              spellCheck={false}
              hint={secretHint(channel, 'signingKey', 'From Mailgun’s Webhooks page (HTTP webhook signing key).')}
              error={fieldError('signingKey')}
            />
          ) : null}
          {provider === 'postmark' ? (
            <>
              <TextField
                label="Webhook user name"
                value={webhookUsername}
                onChange={setWebhookUsername}
                autoComplete="off"
                spellCheck={false}
                hint="Any name you choose; it goes into the webhook URL."
                error={fieldError('webhookUsername')}
              />
              <TextField
                label="Webhook password"
                type="password"
                value={webhookPassword}
                onChange={setWebhookPassword}
                autoComplete="new-password"
                hint={secretHint(channel, 'webhookPassword', 'At least 12 characters, no spaces, “@” or “/”; it goes into the webhook URL.')}
                error={fieldError('webhookPassword')}
              />
            </>
          ) : null}
        </div>
      </fieldset>

      <fieldset className="grants">
        <legend>Sending replies</legend>
        <div className="radio-row">
          <input id={`${sendViaName}-api`} type="radio" name={sendViaName} checked={sendVia === 'api'} onChange={() => setSendVia('api')} />
          <label htmlFor={`${sendViaName}-api`}>Through the {PROVIDER_LABEL[provider]} API</label>
        </div>
        <div className="radio-row">
          <input id={`${sendViaName}-smtp`} type="radio" name={sendViaName} checked={sendVia === 'smtp'} onChange={() => setSendVia('smtp')} />
          <label htmlFor={`${sendViaName}-smtp`}>Through an SMTP server</label>
        </div>
        <div className="form-grid">
          {sendVia === 'api' ? (
            <>
              <TextField label="API key" type="password" value={apiKey} onChange={setApiKey} autoComplete="off" spellCheck={false} hint={secretHint(channel, 'apiKey', API_KEY_HINT[provider])} error={fieldError('apiKey')} />
              {provider === 'mailgun' ? (
                <TextField
                  label="Mailgun sending domain"
                  value={mailgunDomain}
                  onChange={setMailgunDomain}
                  autoComplete="off"
                  spellCheck={false}
                  hint="Optional; the domain of the sender address by default."
                  error={fieldError('mailgunDomain')}
                />
              ) : null}
            </>
          ) : (
            <>
              <TextField label="SMTP host" value={smtpHost} onChange={setSmtpHost} autoComplete="off" spellCheck={false} placeholder="smtp.example.com" error={fieldError('smtpHost')} />
              <TextField label="SMTP port" value={smtpPort} onChange={setSmtpPort} inputMode="numeric" autoComplete="off" hint="587 when left blank." error={fieldError('smtpPort')} className="field--short" />
              <TextField label="SMTP user name" value={smtpUser} onChange={setSmtpUser} autoComplete="off" spellCheck={false} error={fieldError('smtpUser')} />
              <TextField label="SMTP password" type="password" value={smtpPassword} onChange={setSmtpPassword} autoComplete="off" hint={secretHint(channel, 'smtpPassword')} error={fieldError('smtpPassword')} />
            </>
          )}
        </div>
      </fieldset>

      <CheckboxField label="Answer guests’ email for this hotel" checked={active} onChange={setActive} hint="Off keeps the settings but ignores incoming email." />
      <ChannelFormActions busy={busy} onCancel={() => onDone(null)} />
    </form>
  );
}
