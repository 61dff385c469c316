import { CHANNEL_LABEL, type ConversationDetail, type ConversationNote, type ConversationSummary, type Message } from '@contract/conversations';
import type { Property } from '@contract/properties';
import { useRef, useState, type RefObject } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useHotels } from '../../app/hotels';
import { useLiveEvents } from '../../app/live-events';
import { useCan } from '../../app/session-gate';
import { FormProblem } from '../../shared/form-problem';
import { useKeyShortcuts } from '../../shared/keyboard';
import { AccessDenied, LoadProblem } from '../../shared/load-problem';
import { useLiveResource } from '../../shared/use-live-resource';
import { useResource } from '../../shared/use-resource';
import { Composer } from './composer';
import { useConversationsApi, type RevealedContact } from './conversations.api';
import { useKnowledgeTitles } from './knowledge-titles';
import { guestLabel, HANDOFF_LABEL, STATUS_LABEL } from './labels';
import { useStaffDirectory, type StaffDirectory } from './staff-directory';
import { Transcript } from './transcript';

interface ConversationPaneProps {
  propertyId: string;
  conversationId: string;
  /** Escape from the reply box: focus goes back to the list. */
  onLeave: () => void;
  /** After an action, so the list can update at once. */
  onChanged: (summary: ConversationSummary) => void;
}

/** One conversation: who, where, the transcript with the AI's confidence and sources, and what staff can do. */
export function ConversationPane({ propertyId, conversationId, onLeave, onChanged }: ConversationPaneProps) {
  const api = useConversationsApi();
  const { byId, list: hotels } = useHotels();
  const [detail, { reload, refresh, set }] = useLiveResource((signal) => api.get(propertyId, conversationId, signal), [api, propertyId, conversationId]);

  useLiveEvents((s) => {
    if (s.type === 'resync') refresh();
    else if ('conversationId' in s && s.conversationId === conversationId && s.type !== 'lead.updated') refresh();
  });

  const hotel = byId.get(propertyId);
  if (hotels.status === 'ready' && !hotel) {
    // Not in the user's hotels: nothing of it is shown (the server refuses it anyway).
    return (
      <div className="conversation conversation--placeholder">
        <AccessDenied>This conversation belongs to a hotel you have not been granted.</AccessDenied>
      </div>
    );
  }
  if (detail.status === 'loading' || !hotel) {
    return (
      <div className="conversation conversation--placeholder" aria-busy="true">
        <p className="muted">Loading the conversation…</p>
      </div>
    );
  }
  if (detail.status === 'error') {
    return (
      <div className="conversation conversation--placeholder">
        {detail.error.status === 404 ? (
          <p className="alert alert--error" role="alert">
            This conversation no longer exists (it may have been erased under the retention policy).
          </p>
        ) : (
          <LoadProblem error={detail.error} what="the conversation" denied="This conversation belongs to a hotel you have not been granted." onRetry={reload} />
        )}
      </div>
    );
  }
  return (
    <ConversationView
      key={conversationId}
      detail={detail.data}
      hotel={hotel}
      onUpdated={(summary, message) => {
        set({ ...detail.data, ...summary, messages: message ? [...detail.data.messages.filter((m) => m.id !== message.id), message] : detail.data.messages });
        onChanged(summary);
        refresh();
      }}
      onNoted={(note) => {
        set({ ...detail.data, notes: [...detail.data.notes.filter((n) => n.id !== note.id), note] });
        refresh();
      }}
      onLeave={onLeave}
    />
  );
}

interface ViewProps {
  detail: ConversationDetail;
  hotel: Property;
  onUpdated: (summary: ConversationSummary, message?: Message) => void;
  onNoted: (note: ConversationNote) => void;
  onLeave: () => void;
}

function ConversationView({ detail, hotel, onUpdated, onNoted, onLeave }: ViewProps) {
  const api = useConversationsApi();
  const can = useCan();
  const staff = useStaffDirectory();
  const reply = useRef<HTMLTextAreaElement>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [suggestion, setSuggestion] = useState<{ text: string; key: number } | null>(null);
  const titles = useKnowledgeTitles(hotel.id, detail.messages.some((m) => m.citedItemIds.length > 0));
  const canWrite = can('conversations.write');
  const failed = detail.messages.some((m) => m.deliveryStatus === 'failed');

  async function act(name: string, run: () => Promise<ConversationSummary>, done: (s: ConversationSummary) => string) {
    setBusy(name);
    setError(null);
    setNotice('');
    try {
      const summary = await run();
      onUpdated(summary);
      setNotice(done(summary));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  }

  async function takeOver() {
    setBusy('take-over');
    setError(null);
    setNotice('');
    try {
      const { conversation, draft } = await api.takeOver(hotel.id, detail.id);
      onUpdated(conversation);
      setNotice(draft ? 'The AI’s suggested reply is in the reply box: check and edit it before sending.' : 'You have the conversation; the AI stays quiet until you hand it back.');
      if (draft) setSuggestion({ text: draft, key: Date.now() });
      else reply.current?.focus();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  }

  const s = detail.status;
  const canTakeOver = canWrite && s !== 'human';
  const canHandBack = canWrite && (s === 'human' || s === 'needs_human');
  const canHandOff = canWrite && s === 'ai';
  const canResolve = canWrite && s !== 'resolved';

  useKeyShortcuts({
    r: () => reply.current?.focus(),
    t: () => {
      if (canTakeOver && !busy) void takeOver();
    },
    e: () => {
      if (canResolve && !busy) void act('resolve', () => api.resolve(hotel.id, detail.id), () => 'Resolved.');
    },
  });

  return (
    <article className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <div className="conversation-heading">
          <h2 id="conversation-title">{guestLabel(detail.guest)}</h2>
          <span className={`status status--${s}`}>{STATUS_LABEL[s]}</span>
          {s === 'needs_human' && detail.handoffReason ? <span className="tag">{HANDOFF_LABEL[detail.handoffReason]}</span> : null}
        </div>
        <p className="conversation-meta">
          {[
            hotel.name,
            CHANNEL_LABEL[detail.channel],
            detail.afterHours ? 'after hours' : null,
            `${hotel.timezone} time`,
            detail.averageConfidence !== null ? `AI confidence ${Math.round(detail.averageConfidence * 100)}% avg.` : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
        <ContactLine detail={detail} canReveal={can('guests.reveal')} />
        <div className="conversation-actions">
          {canTakeOver ? (
            <button type="button" className="button button--primary" disabled={busy !== null} onClick={() => void takeOver()} aria-keyshortcuts="t">
              {busy === 'take-over' ? 'Taking over…' : 'Take over'}
            </button>
          ) : null}
          {canHandBack ? (
            <button type="button" className="button" disabled={busy !== null} onClick={() => void act('hand-back', () => api.handBack(hotel.id, detail.id), () => 'Handed back: the AI answers this guest again.')}>
              Hand back to AI
            </button>
          ) : null}
          {canHandOff ? (
            <button type="button" className="button" disabled={busy !== null} onClick={() => void act('hand-off', () => api.handOff(hotel.id, detail.id), () => 'Marked as needing a person.')}>
              Needs a person
            </button>
          ) : null}
          {canResolve ? (
            <button type="button" className="button" disabled={busy !== null} onClick={() => void act('resolve', () => api.resolve(hotel.id, detail.id), () => 'Resolved.')} aria-keyshortcuts="e">
              {busy === 'resolve' ? 'Resolving…' : 'Resolve'}
            </button>
          ) : null}
          {canWrite ? <AssignControl detail={detail} staff={staff} busy={busy !== null} onAssign={(userId) => void act('assign', () => api.assign(hotel.id, detail.id, userId), (x) => (x.assignedTo ? `Assigned to ${staff.nameOf(x.assignedTo) === 'You' ? 'you' : staff.nameOf(x.assignedTo)}.` : 'Unassigned.'))} /> : null}
        </div>
        <FormProblem error={error} lead="That did not work" />
        <p className="notice" role="status">
          {notice}
        </p>
      </header>
      <Transcript
        messages={detail.messages}
        notes={detail.notes}
        timeZone={hotel.timezone}
        threshold={hotel.confidenceThreshold}
        titles={titles}
        guestName={guestLabel(detail.guest)}
        staffName={staff.nameOf}
        mediaUrl={(messageId) => `/api/v1/properties/${encodeURIComponent(hotel.id)}/conversations/${encodeURIComponent(detail.id)}/messages/${encodeURIComponent(messageId)}/media`}
      />
      {failed && canWrite ? <DeliveryProblems propertyId={hotel.id} conversationId={detail.id} /> : null}
      {canWrite ? (
        <Composer
          key={detail.id}
          conversation={detail}
          hotelName={hotel.name}
          textareaRef={reply as RefObject<HTMLTextAreaElement | null>}
          suggestion={suggestion}
          onSent={(message) => {
            if (message) onUpdated({ ...detail, status: 'human', assignedTo: detail.assignedTo ?? staff.me.id }, message);
          }}
          onNoted={onNoted}
          onLeave={onLeave}
        />
      ) : null}
    </article>
  );
}

function ContactLine({ detail, canReveal }: { detail: ConversationDetail; canReveal: boolean }) {
  const api = useConversationsApi();
  const [revealed, setRevealed] = useState<RevealedContact | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const contact = revealed ?? detail.guest;

  async function reveal() {
    setBusy(true);
    setError(null);
    try {
      setRevealed(await api.reveal(detail.propertyId, detail.id));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="contact">
      <dl className="contact-list">
        <div>
          <dt>Phone</dt>
          <dd>{contact.phone ?? '—'}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{contact.email ?? '—'}</dd>
        </div>
        {detail.guest.optedOut ? (
          <div>
            <dt>Messages</dt>
            <dd>Opted out</dd>
          </div>
        ) : null}
      </dl>
      {revealed ? (
        <span className="muted contact-note">Shown to you; the reveal is recorded in the audit log.</span>
      ) : canReveal && (detail.guest.phone || detail.guest.email) ? (
        <button type="button" className="button button--small" disabled={busy} onClick={() => void reveal()}>
          {busy ? 'Revealing…' : 'Reveal contact details'}
        </button>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          Could not reveal: {error.detail ?? error.title}
        </p>
      ) : null}
    </div>
  );
}

function AssignControl({ detail, staff, busy, onAssign }: { detail: ConversationDetail; staff: StaffDirectory; busy: boolean; onAssign: (userId: string | null) => void }) {
  const colleagues = staff.assignable(detail.propertyId);
  const assigned = detail.assignedTo;
  if (colleagues.length > 0) {
    const options = [{ id: '', name: 'Nobody' }, ...colleagues.map((u) => ({ id: u.id, name: u.id === staff.me.id ? `${u.displayName} (you)` : u.displayName }))];
    return (
      <label className="assign">
        <span>Assigned to</span>
        <select value={assigned ?? ''} disabled={busy} onChange={(e) => onAssign(e.target.value || null)}>
          {assigned && !options.some((o) => o.id === assigned) ? <option value={assigned}>{staff.nameOf(assigned)}</option> : null}
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <span className="assign">
      <span className="muted">{assigned ? `Assigned to ${staff.nameOf(assigned).replace(/^You$/, 'you')}` : 'Unassigned'}</span>
      {assigned !== staff.me.id ? (
        <button type="button" className="button button--small" disabled={busy} onClick={() => onAssign(staff.me.id)}>
          Assign to me
        </button>
      ) : (
        <button type="button" className="button button--small button--quiet" disabled={busy} onClick={() => onAssign(null)}>
          Unassign
        </button>
      )}
    </span>
  );
}

function DeliveryProblems({ propertyId, conversationId }: { propertyId: string; conversationId: string }) {
  const api = useConversationsApi();
  const [letters, { reload }] = useResource((signal) => api.deadLetters(propertyId, signal), [api, propertyId]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  if (letters.status !== 'ready') return null;
  const mine = letters.data.filter((l) => l.conversationId === conversationId);
  if (mine.length === 0) return null;
  return (
    <section className="delivery-problems" aria-label="Messages not delivered">
      <p className="alert-title">Not delivered</p>
      <ul>
        {mine.map((l) => (
          <li key={l.id}>
            <span className="delivery-preview">“{l.preview}”</span> <span className="muted">{l.lastError ?? l.status}</span>{' '}
            <button
              type="button"
              className="button button--small"
              disabled={busy !== null}
              onClick={() => {
                setBusy(l.id);
                setError(null);
                api.retry(propertyId, l.id).then(
                  () => {
                    setBusy(null);
                    reload();
                  },
                  (err: unknown) => {
                    setBusy(null);
                    setError(asApiError(err));
                  },
                );
              }}
            >
              {busy === l.id ? 'Retrying…' : 'Retry'}
            </button>
          </li>
        ))}
      </ul>
      <FormProblem error={error} lead="Could not retry" />
    </section>
  );
}
