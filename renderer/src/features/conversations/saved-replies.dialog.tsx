import { PLACEHOLDERS, type Placeholder } from '@contract/saved-replies';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { onlyWhoMay } from '../../app/permission-text';
import { useCan } from '../../app/session-gate';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { ModalDialog } from '../../shared/modal-dialog';
import { useSavedRepliesApi, type SavedReply } from './saved-replies';

interface SavedRepliesDialogProps {
  propertyId: string;
  hotelName: string;
  replies: SavedReply[];
  /** After a manager added, changed or removed one: the list is read again. */
  onChanged: () => void;
  onInsert: (reply: SavedReply) => void;
  onClose: () => void;
}

const PLACEHOLDER_HELP = (Object.keys(PLACEHOLDERS) as Placeholder[]).map((p) => `{${p}} ${PLACEHOLDERS[p]}`).join(', ');

/**
 * The hotel's saved replies: a filterable list to insert one from, by keyboard (type to filter,
 * Up and Down to choose, Enter to insert) or mouse; managers also add, change and remove them.
 */
export function SavedRepliesDialog({ propertyId, hotelName, replies, onChanged, onInsert, onClose }: SavedRepliesDialogProps) {
  const canWrite = useCan()('saved_replies.write');
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [editing, setEditing] = useState<SavedReply | null>(null);
  const listId = useId();
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase().replace(/^\//, '');
    return q ? replies.filter((r) => r.shortcut.includes(q) || r.text.toLowerCase().includes(q)) : replies;
  }, [replies, query]);
  const current = shown[Math.min(active, shown.length - 1)];
  const find = useRef<HTMLInputElement>(null);
  const hasReplies = replies.length > 0;
  // The list may arrive after the dialog opened (it is read again then): the search box takes the focus.
  useEffect(() => {
    if (hasReplies) find.current?.focus();
  }, [hasReplies]);

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (shown.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, shown.length - 1) + step + shown.length) % shown.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (current) onInsert(current);
    }
  }

  const optionId = (r: SavedReply) => `${listId}-${r.id}`;
  return (
    <ModalDialog title={`Saved replies for ${hotelName}`} onCancel={onClose}>
      <p className="dialog-text">
        Shared by the hotel’s team. Type to find one, <kbd>↑</kbd> <kbd>↓</kbd> to choose, <kbd>Enter</kbd> to insert it; or type <kbd>/</kbd> and its shortcut in the reply box, then{' '}
        <kbd>Tab</kbd>. Placeholders such as <code>{'{guest_name}'}</code> are filled from the conversation.
      </p>
      {replies.length === 0 ? (
        <p className="muted">No saved replies yet.{canWrite ? '' : ` ${onlyWhoMay('saved_replies.write', 'add them')}`}</p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${listId}-find`}>Find a saved reply</label>
            <input
              id={`${listId}-find`}
              ref={find}
              type="search"
              role="combobox"
              aria-expanded="true"
              aria-controls={listId}
              aria-activedescendant={current ? optionId(current) : undefined}
              aria-autocomplete="list"
              autoComplete="off"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
              }}
              onKeyDown={onKeyDown}
              data-autofocus
            />
          </div>
          <ul id={listId} role="listbox" aria-label="Saved replies" className="saved-list">
            {shown.map((r) => (
              <li
                key={r.id}
                id={optionId(r)}
                role="option"
                aria-selected={r === current}
                className={r === current ? 'saved-item saved-item--active' : 'saved-item'}
                onMouseEnter={() => setActive(shown.indexOf(r))}
                onClick={() => onInsert(r)}
              >
                <div className="saved-text">
                  <code>/{r.shortcut}</code>
                  <span>{r.text}</span>
                </div>
              </li>
            ))}
            {shown.length === 0 ? (
              <li className="muted" role="option" aria-selected="false" aria-disabled="true">
                No saved reply matches “{query}”.
              </li>
            ) : null}
          </ul>
        </>
      )}
      {canWrite ? (
        <ManageReplies key={editing?.id ?? 'new'} propertyId={propertyId} replies={replies} editing={editing} onEdit={setEditing} onChanged={onChanged} />
      ) : replies.length > 0 ? (
        <p className="muted">{onlyWhoMay('saved_replies.write', 'add, change or remove saved replies')}</p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}

/** For managers: add a reply, or change or remove one. */
function ManageReplies({
  propertyId,
  replies,
  editing,
  onEdit,
  onChanged,
}: {
  propertyId: string;
  replies: SavedReply[];
  editing: SavedReply | null;
  onEdit: (r: SavedReply | null) => void;
  onChanged: () => void;
}) {
  const api = useSavedRepliesApi();
  const [shortcut, setShortcut] = useState(editing?.shortcut ?? '');
  const [text, setText] = useState(editing?.text ?? '');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const textId = useId();

  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setNotice(done);
      onChanged();
      onEdit(null);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const input = { shortcut, text };
    void run(() => (editing ? api.update(propertyId, editing.id, input) : api.create(propertyId, input)), editing ? `Saved /${shortcut.replace(/^\/+/, '')}.` : `Added /${shortcut.replace(/^\/+/, '')}.`);
  }

  const textError = error?.fieldError('text');
  return (
    <section className="saved-manage" aria-label="Manage saved replies">
      {replies.length > 0 ? (
        <ul className="saved-manage-list">
          {replies.map((r) => (
            <li key={r.id}>
              <code>/{r.shortcut}</code>
              <button type="button" className="button button--small" disabled={busy} onClick={() => onEdit(r)}>
                Change<span className="visually-hidden"> /{r.shortcut}</span>
              </button>
              <button type="button" className="button button--quiet button--small" disabled={busy} onClick={() => void run(() => api.remove(propertyId, r.id), `Removed /${r.shortcut}.`)}>
                Remove<span className="visually-hidden"> /{r.shortcut}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="stack-form saved-form" noValidate onSubmit={submit}>
        <h3 className="saved-form-title">{editing ? `Change /${editing.shortcut}` : 'Add a saved reply'}</h3>
        <FormProblem error={error} lead="Not saved" />
        <TextField label="Shortcut" value={shortcut} onChange={setShortcut} maxLength={25} autoComplete="off" spellCheck={false} placeholder="parking" error={error?.fieldError('shortcut')} />
        <div className={textError ? 'field field--invalid' : 'field'}>
          <label htmlFor={textId}>Reply</label>
          <textarea
            id={textId}
            rows={3}
            maxLength={4000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={textError ? true : undefined}
            aria-describedby={`${textId}-hint${textError ? ` ${textId}-error` : ''}`}
          />
          <p id={`${textId}-hint`} className="field-hint">
            Placeholders: {PLACEHOLDER_HELP}.
          </p>
          {textError ? (
            <p id={`${textId}-error`} className="field-error">
              {textError}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {editing ? 'Save reply' : 'Add reply'}
          </button>
          {editing ? (
            <button type="button" className="button" onClick={() => onEdit(null)}>
              Cancel change
            </button>
          ) : null}
        </div>
        <p className="notice" role="status">
          {notice}
        </p>
      </form>
    </section>
  );
}
