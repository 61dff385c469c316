import { CHANNEL_LABEL, INTENT_LABEL, maskEmail, maskPhone, type Lead, type LeadStatus } from '@contract/conversations';
import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useHotels } from '../../app/hotels';
import { hrefFor } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { SelectField, TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { formatDay, formatFullInZone, formatMoney } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { ModalDialog } from '../../shared/modal-dialog';
import { useResource } from '../../shared/use-resource';
import { useConversationsApi, type RevealedContact } from '../conversations/conversations.api';
import { LEAD_STATUS_LABEL, NEXT_STATUS } from './lead-labels';
import { useLeadsApi, type LeadIntent, type LeadPatch } from './leads.api';

interface LeadDialogProps {
  propertyId: string;
  leadId: string;
  onSaved: (lead: Lead) => void;
  onClose: () => void;
}

/** One lead: what the guest asked for, and its status along contacted / converted / lost. */
export function LeadDialog({ propertyId, leadId, onSaved, onClose }: LeadDialogProps) {
  const api = useLeadsApi();
  const [lead, { reload, set }] = useResource((signal) => api.get(propertyId, leadId, signal), [api, propertyId, leadId]);
  const title = lead.status === 'ready' ? `Lead: ${lead.data.details.name ?? 'unnamed guest'}` : 'Lead';
  return (
    <ModalDialog title={title} onCancel={onClose}>
      {lead.status === 'loading' ? <p className="muted">Loading the lead…</p> : null}
      {lead.status === 'error' ? <LoadProblem error={lead.error} what="the lead" denied="This lead belongs to a hotel you have not been granted." onRetry={reload} /> : null}
      {lead.status === 'ready' ? (
        <LeadBody
          lead={lead.data}
          onSaved={(l) => {
            set(l);
            onSaved(l);
          }}
        />
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}

function LeadBody({ lead, onSaved }: { lead: Lead; onSaved: (lead: Lead) => void }) {
  const api = useLeadsApi();
  const conversations = useConversationsApi();
  const can = useCan();
  const { byId } = useHotels();
  const hotel = byId.get(lead.propertyId);
  const currency = hotel?.currency ?? 'USD';
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState<LeadStatus | null>(null);
  const [value, setValue] = useState(lead.bookingValue === null ? '' : String(lead.bookingValue));
  const [reason, setReason] = useState(lead.lostReason ?? '');
  const [notes, setNotes] = useState(lead.details.notes ?? '');
  const [revealed, setRevealed] = useState<RevealedContact | null>(null);
  const canWrite = can('leads.write');

  async function save(patch: LeadPatch, done: string) {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      const saved = await api.update(lead.propertyId, lead.id, patch);
      onSaved(saved);
      setTarget(null);
      setNotice(done);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  function submitStatus(e: FormEvent) {
    e.preventDefault();
    if (!target) return;
    if (target === 'converted') {
      const amount = value.trim() === '' ? Number.NaN : Number(value);
      void save({ status: 'converted', bookingValue: Number.isNaN(amount) ? (value as unknown as number) : amount }, 'Marked as converted.');
    } else if (target === 'lost') {
      void save({ status: 'lost', ...(reason.trim() ? { lostReason: reason.trim() } : {}) }, 'Marked as lost.');
    } else {
      void save({ status: target }, `Marked as ${LEAD_STATUS_LABEL[target].toLowerCase()}.`);
    }
  }

  async function reveal() {
    setError(null);
    try {
      setRevealed(await conversations.reveal(lead.propertyId, lead.conversationId));
    } catch (err) {
      setError(asApiError(err));
    }
  }

  const d = lead.details;
  const phone = revealed ? revealed.phone : maskPhone(d.phone);
  const email = revealed ? revealed.email : maskEmail(d.email);
  const next = NEXT_STATUS[lead.status];
  return (
    <div className="lead">
      <dl className="lead-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`lead-status lead-status--${lead.status}`}>{LEAD_STATUS_LABEL[lead.status]}</span>
            {lead.status === 'converted' && lead.bookingValue !== null ? ` · ${formatMoney(lead.bookingValue, currency)}` : ''}
            {lead.status === 'lost' && lead.lostReason ? ` · ${lead.lostReason}` : ''}
          </dd>
        </div>
        <div>
          <dt>Hotel</dt>
          <dd>{hotel?.name ?? '—'}</dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd>
            {formatFullInZone(lead.createdAt, hotel?.timezone)} via {CHANNEL_LABEL[lead.sourceChannel]}
            {lead.afterHours ? ' (after hours)' : ''}
          </dd>
        </div>
        <div>
          <dt>Stay</dt>
          <dd>
            {d.checkIn ? `${formatDay(d.checkIn)}${d.checkOut ? ` – ${formatDay(d.checkOut)}` : ''}` : 'No dates yet'}
            {d.guests ? ` · ${d.guests} guests` : ''}
            {d.roomType ? ` · ${d.roomType}` : ''}
          </dd>
        </div>
        <div>
          <dt>Contact</dt>
          <dd>
            {[phone, email].filter(Boolean).join(' · ') || 'None given'}
            {!revealed && (d.phone || d.email) && can('guests.reveal') ? (
              <button type="button" className="button button--small lead-reveal" onClick={() => void reveal()}>
                Reveal contact details
              </button>
            ) : null}
            {revealed ? <span className="muted"> (reveal recorded in the audit log)</span> : null}
          </dd>
        </div>
      </dl>
      <p>
        <a href={hrefFor({ screen: 'inbox', propertyId: lead.propertyId, conversationId: lead.conversationId })}>Open the conversation</a>
      </p>
      <FormProblem error={error} lead="Lead not changed" describePath={(p) => ({ bookingValue: 'Booking value', lostReason: 'Reason', notes: 'Notes', status: 'Status' })[p] ?? p} />
      <p className="notice" role="status">
        {notice}
      </p>
      {canWrite ? (
        <>
          {next.length > 0 || lead.status === 'converted' ? (
            <form className="lead-status-form" noValidate onSubmit={submitStatus}>
              <fieldset className="grants">
                <legend>Change status</legend>
                <div className="lead-status-buttons">
                  {next.map((s) => (
                    <button key={s} type="button" className={target === s ? 'button button--primary' : 'button'} aria-pressed={target === s} onClick={() => setTarget(s)}>
                      {s === 'contacted' && lead.status === 'lost' ? 'Re-open (contacted)' : LEAD_STATUS_LABEL[s]}
                    </button>
                  ))}
                  {lead.status === 'converted' ? (
                    <button type="button" className={target === 'converted' ? 'button button--primary' : 'button'} aria-pressed={target === 'converted'} onClick={() => setTarget('converted')}>
                      Correct the booking value
                    </button>
                  ) : null}
                </div>
                {target === 'converted' ? (
                  <TextField label={`Booking value (${currency})`} type="number" inputMode="decimal" min={0} step="0.01" value={value} onChange={setValue} required error={error?.fieldError('bookingValue')} className="field--short" />
                ) : null}
                {target === 'lost' ? <TextField label="Reason" value={reason} onChange={setReason} maxLength={300} placeholder="Booked elsewhere" error={error?.fieldError('lostReason')} /> : null}
                {target ? (
                  <div className="form-actions">
                    <button type="submit" className="button button--primary" disabled={busy}>
                      {busy ? 'Saving…' : `Save: ${LEAD_STATUS_LABEL[target]}`}
                    </button>
                  </div>
                ) : null}
              </fieldset>
            </form>
          ) : null}
          <div className="lead-more">
            <SelectField
              label="Intent"
              value={lead.intent}
              options={(Object.keys(INTENT_LABEL) as LeadIntent[]).map((i) => ({ value: i, label: INTENT_LABEL[i] }))}
              onChange={(intent) => void save({ intent }, 'Intent changed.')}
              disabled={busy}
            />
            <div className="field">
              <label htmlFor={`lead-notes-${lead.id}`}>Notes</label>
              <textarea id={`lead-notes-${lead.id}`} rows={3} maxLength={4000} value={notes} onChange={(e) => setNotes(e.target.value)} />
              <div>
                <button type="button" className="button button--small" disabled={busy || notes === (lead.details.notes ?? '')} onClick={() => void save({ notes }, 'Notes saved.')}>
                  Save notes
                </button>
              </div>
            </div>
          </div>
        </>
      ) : null}
    </div>
  );
}
