import { useState, type FormEvent } from 'react';
import { TextField } from '../../shared/field';
import { ModalDialog } from '../../shared/modal-dialog';
import { normaliseShortcut, SHORTCUT_PATTERN, type SavedReply } from './saved-replies';

interface SavedRepliesDialogProps {
  hotelName: string;
  replies: SavedReply[];
  onSave: (next: SavedReply[]) => void;
  onInsert: (reply: SavedReply) => void;
  onClose: () => void;
}

/** The hotel's saved replies: insert one, add, or remove. */
export function SavedRepliesDialog({ hotelName, replies, onSave, onInsert, onClose }: SavedRepliesDialogProps) {
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<{ shortcut?: string; text?: string }>({});

  function add(e: FormEvent) {
    e.preventDefault();
    const s = normaliseShortcut(shortcut);
    const next: { shortcut?: string; text?: string } = {};
    if (!SHORTCUT_PATTERN.test(s)) next.shortcut = 'Use letters, digits and dashes, up to 24 characters.';
    else if (replies.some((r) => r.shortcut === s)) next.shortcut = `/${s} is already used.`;
    if (!text.trim()) next.text = 'Write the reply.';
    setError(next);
    if (next.shortcut || next.text) return;
    onSave([...replies, { id: Math.random().toString(36).slice(2, 10), shortcut: s, text: text.trim() }]);
    setShortcut('');
    setText('');
  }

  return (
    <ModalDialog title={`Saved replies for ${hotelName}`} onCancel={onClose}>
      <p className="dialog-text">
        Type <kbd>/</kbd> and a shortcut in the reply box, then press <kbd>Tab</kbd>, to insert a saved reply. They are kept on this computer.
      </p>
      {replies.length === 0 ? <p className="muted">No saved replies yet.</p> : null}
      <ul className="saved-list">
        {replies.map((r) => (
          <li key={r.id} className="saved-item">
            <div className="saved-text">
              <code>/{r.shortcut}</code>
              <span>{r.text}</span>
            </div>
            <div className="saved-actions">
              <button type="button" className="button button--small" onClick={() => onInsert(r)} data-autofocus={r === replies[0] ? true : undefined}>
                Insert<span className="visually-hidden"> /{r.shortcut}</span>
              </button>
              <button type="button" className="button button--quiet button--small" onClick={() => onSave(replies.filter((x) => x.id !== r.id))}>
                Remove<span className="visually-hidden"> /{r.shortcut}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      <form className="stack-form saved-form" noValidate onSubmit={add}>
        <h3 className="saved-form-title">Add a saved reply</h3>
        <TextField label="Shortcut" value={shortcut} onChange={setShortcut} maxLength={25} autoComplete="off" spellCheck={false} placeholder="parking" error={error.shortcut} />
        <div className={error.text ? 'field field--invalid' : 'field'}>
          <label htmlFor="saved-reply-text">Reply</label>
          <textarea
            id="saved-reply-text"
            rows={3}
            maxLength={4000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error.text ? true : undefined}
            aria-describedby={error.text ? 'saved-reply-text-error' : undefined}
          />
          {error.text ? (
            <p id="saved-reply-text-error" className="field-error">
              {error.text}
            </p>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button type="submit" className="button button--primary">
            Add reply
          </button>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
