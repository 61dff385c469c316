import { useRef, useState, type ComponentType } from 'react';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { useSubmit } from '../../shared/use-submit';
import { ChannelFormActions, ChannelFrame, CopyRow, secretHint, str, useChannelCard, type ChannelProps } from './channel-parts';
import { EmailChannel } from './email-channel';
import type { ChannelName, ChannelSummary, CheckableChannel } from '@contract/channels';
import { useSettingsApi } from './settings.api';
import { WidgetChannel } from './widget-channel';

/** Each guest channel's set-up form: a channel added to the contract is a type error here until it has one. */
const CHANNEL_FORMS: Record<ChannelName, ComponentType<ChannelProps>> = { whatsapp: WhatsAppChannel, email: EmailChannel, widget: WidgetChannel };

/** A hotel's channels: status, what to paste into each provider or website, and (admins) the set-up forms. */
export function ChannelsPanel({ propertyId }: { propertyId: string }) {
  const api = useSettingsApi();
  const [channels, { reload, set }] = useResource((signal) => api.channels(propertyId, signal), [api, propertyId]);
  // Refetches can overlap (after the save, then after the check): only the latest one is shown.
  const latest = useRef(0);
  if (channels.status === 'loading') return <p className="muted">Loading channels…</p>;
  if (channels.status === 'error') return <LoadProblem error={channels.error} what="the channels" denied="Managers and admins can see the channels." onRetry={reload} />;
  // The list is fetched again as soon as a save returns, for the state, stored secrets and time of
  // change (a save drops the old check); new WhatsApp or email credentials are then checked with the
  // provider, which may take until its timeout, and the list is fetched once more for the badge.
  const refetch = () => {
    const n = ++latest.current;
    api.channels(propertyId).then((data) => {
      if (n === latest.current) set(data);
    }, reload);
  };
  const saved = (check?: CheckableChannel) => {
    refetch();
    if (check) void api.checkChannel(propertyId, check).then(refetch, refetch);
  };
  return (
    <ul className="channel-list">
      {channels.data.map((c) => {
        const Form = CHANNEL_FORMS[c.channel];
        return (
          <li key={c.channel} className="channel">
            <Form propertyId={propertyId} channel={c} onSaved={saved} />
          </li>
        );
      })}
    </ul>
  );
}

function WhatsAppChannel(props: ChannelProps) {
  const { propertyId, channel, onSaved } = props;
  const card = useChannelCard(props);
  return (
    <ChannelFrame
      {...card.frame}
      rows={
        channel.webhookUrl ? (
          <CopyRow label="Webhook URL" value={channel.webhookUrl} copyLabel="WhatsApp webhook URL" />
        ) : (
          <div>
            <dt>Webhook URL</dt>
            <dd className="muted">Not available yet.</dd>
          </div>
        )
      }
      form={
        <WhatsAppForm
          propertyId={propertyId}
          channel={channel}
          onDone={(saved) => {
            card.closeForm();
            if (saved) {
              card.setNotice('WhatsApp saved; see the last check below for what WhatsApp said about the credentials.');
              onSaved('whatsapp');
            }
          }}
        />
      }
    />
  );
}

function WhatsAppForm({ propertyId, channel, onDone }: { propertyId: string; channel: ChannelSummary; onDone: (saved: boolean) => void }) {
  const api = useSettingsApi();
  const { error, busy, submit } = useSubmit<unknown>(() => onDone(true));
  const [phoneNumberId, setPhoneNumberId] = useState(channel.routingKey ?? '');
  const [appSecret, setAppSecret] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const [verifyToken, setVerifyToken] = useState('');
  const [templateName, setTemplateName] = useState(str(channel.settings.templateName));
  return (
    <form
      className="channel-form"
      noValidate
      aria-label="Set up WhatsApp"
      onSubmit={(e) => void submit(e, () => api.putWhatsApp(propertyId, { phoneNumberId: phoneNumberId.trim(), appSecret, accessToken, verifyToken, templateName: templateName.trim() }))}
    >
      <FormProblem error={error} lead="Channel not saved" />
      <div className="form-grid">
        <TextField label="Phone number id" value={phoneNumberId} onChange={setPhoneNumberId} autoComplete="off" inputMode="numeric" hint="From Meta’s WhatsApp API setup page (not the phone number)." error={error?.fieldError('phoneNumberId')} />
        <TextField label="App secret" type="password" value={appSecret} onChange={setAppSecret} autoComplete="off" hint={secretHint(channel, 'appSecret')} error={error?.fieldError('appSecret')} />
        <TextField label="Access token" type="password" value={accessToken} onChange={setAccessToken} autoComplete="off" hint={secretHint(channel, 'accessToken')} error={error?.fieldError('accessToken')} />
        <TextField label="Verify token" type="password" value={verifyToken} onChange={setVerifyToken} autoComplete="off" hint={secretHint(channel, 'verifyToken', 'Any long random text; paste the same into Meta’s webhook settings.')} error={error?.fieldError('verifyToken')} />
        <TextField label="Template name" value={templateName} onChange={setTemplateName} autoComplete="off" hint="Optional: an approved template for replies after the 24-hour window." error={error?.fieldError('templateName')} />
      </div>
      <ChannelFormActions busy={busy} onCancel={() => onDone(false)} />
    </form>
  );
}
