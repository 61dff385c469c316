import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../api/client';

/** A form's submit: busy while the request runs, then the server's answer to `onDone` or its error to show. */
export function useSubmit<T>(onDone: (result: T) => void) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent, send: () => Promise<T>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await send());
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, submit };
}
