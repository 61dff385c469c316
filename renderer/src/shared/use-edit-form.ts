import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../api/client';

interface EditFormOptions<T, D, P extends object> {
  /** As loaded, or as the last save answered. */
  original: T;
  draftFrom: (original: T) => D;
  /** Only what changed: empty when nothing did. */
  patchFrom: (original: T, draft: D) => P;
  update: (patch: P) => Promise<T>;
  onSaved: (saved: T) => void;
  /** The notice after a save, from the server's answer and what was sent. */
  savedNotice: (saved: T, patch: P) => string;
}

/**
 * An edit form over loaded data: the draft, what changed, save and discard (for SaveBar), and the
 * problem of a refused save, brought into view as it sits above a long form.
 */
export function useEditForm<T, D extends object, P extends object>({ original, draftFrom, patchFrom, update, onSaved, savedNotice }: EditFormOptions<T, D, P>) {
  const [draft, setDraft] = useState<D>(() => draftFrom(original));
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const problemRef = useRef<HTMLDivElement>(null);

  const patch = useMemo(() => patchFrom(original, draft), [patchFrom, original, draft]);
  const dirty = Object.keys(patch).length > 0;

  useEffect(() => {
    if (error) problemRef.current?.focus();
  }, [error]);

  function change(next: Partial<D>) {
    setDraft((d) => ({ ...d, ...next }));
    setNotice('');
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!dirty) {
      setNotice('No changes to save.');
      return;
    }
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      const saved = await update(patch);
      onSaved(saved);
      setDraft(draftFrom(saved));
      setNotice(savedNotice(saved, patch));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  function discard() {
    setDraft(draftFrom(original));
    setError(null);
    setNotice('Changes discarded.');
  }

  return { draft, change, patch, dirty, error, clearError: () => setError(null), problemRef, save, saveBar: { busy, dirty, notice, onDiscard: discard } };
}
