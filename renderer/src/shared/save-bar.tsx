interface SaveBarProps {
  busy: boolean;
  dirty: boolean;
  notice: string;
  /** Puts the form back as it was loaded. */
  onDiscard: () => void;
  /** Added to "Unsaved changes" (for example what saving will do). */
  unsavedHint?: string;
}

/** The foot of an edit form: save, discard, whether anything is unsaved, and what just happened. */
export function SaveBar({ busy, dirty, notice, onDiscard, unsavedHint = '' }: SaveBarProps) {
  return (
    <div className="save-bar">
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save changes'}
      </button>
      <button type="button" className="button" disabled={!dirty || busy} onClick={onDiscard}>
        Discard changes
      </button>
      {dirty && !notice ? <span className="muted">Unsaved changes{unsavedHint}</span> : null}
      <p className="notice" role="status">
        {notice}
      </p>
    </div>
  );
}
