import type { ConversationDetail, ConversationNote, Message } from '@contract/conversations';
import { PLACEHOLDERS, fillPlaceholders, type Placeholder } from '@contract/saved-replies';
import { useEffect, useState, type KeyboardEvent, type RefObject } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { FormProblem } from '../../shared/form-problem';
import { formatDuration } from '../../shared/format';
import { useConversationsApi } from './conversations.api';
import { whatsappWindow } from './labels';
import { expandShortcut, placeholderValues, useSavedReplies, type SavedReply } from './saved-replies';
import { SavedRepliesDialog } from './saved-replies.dialog';

/** Unsent replies by conversation, so switching conversations loses nothing typed. */
const drafts = new Map<string, string>();

type Mode = 'reply' | 'note';

interface ComposerProps {
  conversation: ConversationDetail;
  hotelName: string;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  /** Text to put in the box (the AI's suggestion after a take-over); applied when it changes. */
  suggestion: { text: string; key: number } | null;
  onSent: (message: Message | null) => void;
  /** After an internal note was saved. */
  onNoted: (note: ConversationNote) => void;
  /** Escape in the box: back to the conversation list. */
  onLeave: () => void;
}

export function Composer({ conversation, hotelName, textareaRef, suggestion, onSent, onNoted, onLeave }: ComposerProps) {
  const api = useConversationsApi();
  const [text, setTextState] = useState(() => drafts.get(conversation.id) ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [override, setOverride] = useState(false);
  const [savedOpen, setSavedOpen] = useState(false);
  const [mode, setMode] = useState<Mode>('reply');
  const { replies, reload: reloadReplies } = useSavedReplies(conversation.propertyId);
  const values = placeholderValues(conversation, hotelName);
  const [now, setNow] = useState(() => Date.now());
  const optedOut = conversation.guest.optedOut;

  const setText = (value: string) => {
    setTextState(value);
    if (value) drafts.set(conversation.id, value);
    else drafts.delete(conversation.id);
  };

  useEffect(() => {
    if (!suggestion) return;
    setTextState((current) => {
      const next = current.trim() ? current : suggestion.text;
      if (next) drafts.set(conversation.id, next);
      return next;
    });
    textareaRef.current?.focus();
    // Applied once per take-over.
  }, [suggestion?.key]);

  // The WhatsApp window is shown in minutes; a clock for the label only, no requests.
  useEffect(() => {
    if (conversation.channel !== 'whatsapp') return;
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, [conversation.channel]);

  function missingNotice(missing: readonly Placeholder[]) {
    setNotice(missing.length ? `Fill in ${missing.map((p) => `{${p}} (${PLACEHOLDERS[p]})`).join(', ')}: the guest has not said yet.` : '');
  }

  function insert(reply: SavedReply) {
    const el = textareaRef.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const filled = fillPlaceholders(reply.text, values);
    const next = text.slice(0, start) + filled.text + text.slice(end);
    setText(next);
    setSavedOpen(false);
    missingNotice(filled.missing);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + filled.text.length, start + filled.text.length);
    });
  }

  /** Runs one submit of the typed text: busy while it runs, the box cleared when it succeeds, the error shown when not. */
  async function submit(action: (body: string) => Promise<void>) {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      await action(body);
      setText('');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  function addNote() {
    return submit(async (body) => {
      onNoted(await api.addNote(conversation.propertyId, conversation.id, body));
      setNotice('Note saved for the hotel staff; the guest does not see it.');
    });
  }

  function send() {
    return submit(async (body) => {
      if (optedOut) {
        // Only a recorded override reaches a guest who opted out (D6).
        const result = await api.followUp(conversation.propertyId, conversation.id, body, true);
        setNotice(result.status === 'held' ? 'Queued: it will be sent when quiet hours end.' : 'Sent with an override, recorded in the audit log.');
        onSent(null);
      } else {
        const message = await api.reply(conversation.propertyId, conversation.id, body);
        setNotice('Reply sent to the outbox.');
        onSent(message);
      }
      setOverride(false);
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void (mode === 'note' ? addNote() : send());
      return;
    }
    if (e.key === 'Tab' && !e.shiftKey) {
      const el = e.currentTarget;
      const expanded = expandShortcut(text, el.selectionStart, replies, values);
      if (expanded) {
        e.preventDefault();
        setText(expanded.value);
        missingNotice(expanded.missing);
        requestAnimationFrame(() => el.setSelectionRange(expanded.caret, expanded.caret));
      }
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      onLeave();
    }
  }

  const waWindow = conversation.channel === 'whatsapp' ? whatsappWindow(conversation.lastGuestMessageAt, now) : null;
  const blocked = optedOut && !override;
  const note = mode === 'note';
  return (
    <section className={note ? 'composer composer--note' : 'composer'} aria-label="Reply">
      <div className="composer-mode" role="radiogroup" aria-label="What to write">
        {(['reply', 'note'] as const).map((m) => (
          <label key={m} className={mode === m ? 'composer-mode-option composer-mode-option--on' : 'composer-mode-option'}>
            <input type="radio" name={`mode-${conversation.id}`} value={m} checked={mode === m} onChange={() => setMode(m)} />
            {m === 'reply' ? 'Message to the guest' : 'Internal note'}
          </label>
        ))}
      </div>
      {waWindow && !note ? (
        <p className={waWindow.open ? 'wa-window wa-window--open' : 'wa-window wa-window--closed'}>
          {waWindow.open
            ? `WhatsApp reply window open: ${formatDuration(waWindow.remainingMs)} left.`
            : 'WhatsApp reply window closed (24 hours since the guest last wrote): WhatsApp delivers only an approved template until the guest writes again.'}
        </p>
      ) : null}
      {optedOut && !note ? (
        <div className="composer-optout">
          <p className="composer-warning">This guest opted out of messages. Nothing is sent unless you override, and the override is recorded in the audit log.</p>
          <label className="checkbox-row">
            <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
            Send anyway (override)
          </label>
        </div>
      ) : null}
      <FormProblem error={error} lead="Not sent" />
      <label htmlFor={`reply-${conversation.id}`} className="visually-hidden">
        {note ? 'Internal note for the hotel staff' : 'Reply to the guest'}
      </label>
      <textarea
        id={`reply-${conversation.id}`}
        ref={textareaRef}
        className="composer-text"
        rows={2}
        maxLength={4000}
        placeholder={note ? 'A note for the next shift: only the hotel’s staff see it.' : 'Write a reply…  (/shortcut then Tab inserts a saved reply)'}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setNotice('');
        }}
        onKeyDown={onKeyDown}
        aria-describedby={`reply-${conversation.id}-help`}
      />
      <div className="composer-bar">
        <p id={`reply-${conversation.id}-help`} className="visually-hidden">
          Ctrl+Enter sends. Type a slash and a saved reply’s shortcut, then Tab, to insert it. Escape goes back to the list.
        </p>
        {note ? (
          <button type="button" className="button button--primary button--small" disabled={busy || !text.trim()} onClick={() => void addNote()} aria-keyshortcuts="Control+Enter">
            {busy ? 'Saving…' : 'Save note'}
          </button>
        ) : (
          <button type="button" className="button button--primary button--small" disabled={busy || !text.trim() || blocked} onClick={() => void send()} aria-keyshortcuts="Control+Enter">
            {busy ? 'Sending…' : 'Send reply'}
          </button>
        )}
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            // Shared by the team: read again, colleagues may have changed them.
            reloadReplies();
            setSavedOpen(true);
          }}
        >
          Saved replies{replies.length ? ` (${replies.length})` : ''}
        </button>
        <span className="muted composer-hint" aria-hidden="true">
          Ctrl+Enter to send
        </span>
        <p className="notice" role="status">
          {notice}
        </p>
      </div>
      {savedOpen ? (
        <SavedRepliesDialog propertyId={conversation.propertyId} hotelName={hotelName} replies={replies} onChanged={reloadReplies} onInsert={insert} onClose={() => setSavedOpen(false)} />
      ) : null}
    </section>
  );
}
