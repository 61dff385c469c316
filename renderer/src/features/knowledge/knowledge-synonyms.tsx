import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { FormProblem } from '../../shared/form-problem';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { useKnowledgeApi } from './knowledge.api';

/** One set per line, words or phrases separated by commas. */
function toText(sets: string[][]): string {
  return sets.map((words) => words.join(', ')).join('\n');
}

function fromText(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .map((line) =>
      line
        .split(',')
        .map((w) => w.trim())
        .filter(Boolean),
    )
    .filter((words) => words.length > 0);
}

/**
 * The hotel's own words: sets of words or phrases guests use for one thing ("jetty, ferry
 * terminal"). Every search reads them; managers edit them here, agents see them.
 */
export function KnowledgeSynonyms({ propertyId, canWrite }: { propertyId: string; canWrite: boolean }) {
  const api = useKnowledgeApi();
  const [list, { set }] = useResource((signal) => api.synonyms(propertyId, signal), [api, propertyId]);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (list.status === 'loading') return <p className="muted">Loading the hotel’s words…</p>;
  if (list.status === 'error') return <LoadProblem error={list.error} what="the hotel’s words" denied="You cannot see this hotel’s words." />;
  const saved = toText(list.data.synonyms.map((s) => s.words));
  const text = draft ?? saved;
  const sets = fromText(text);
  const short = sets.find((words) => words.length < 2);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (short) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const next = await api.saveSynonyms(propertyId, sets);
      set(next);
      setDraft(null);
      setNotice(`Saved ${next.synonyms.length} ${next.synonyms.length === 1 ? 'set' : 'sets'} of words; searches use them now.`);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  if (!canWrite) {
    return list.data.synonyms.length === 0 ? (
      <p className="muted">No words of the hotel’s own yet. A manager can add them.</p>
    ) : (
      <ul className="kb-synonyms">
        {list.data.synonyms.map((s) => (
          <li key={s.id}>{s.words.join(', ')}</li>
        ))}
      </ul>
    );
  }

  const id = `kb-synonyms-${propertyId}`;
  return (
    <form className="kb-synonyms-form" noValidate onSubmit={(e) => void save(e)}>
      <FormProblem error={error} lead="Could not save the words" />
      <div className="field">
        <label htmlFor={id}>One set per line: words or phrases that mean the same thing here, separated by commas</label>
        <textarea
          id={id}
          rows={5}
          value={text}
          onChange={(e) => {
            setDraft(e.target.value);
            setNotice(null);
          }}
          placeholder={'jetty, ferry terminal\nsky bar, rooftop bar'}
          aria-describedby={short ? `${id}-error` : undefined}
          aria-invalid={short ? true : undefined}
        />
        {short ? (
          <p className="field-error" id={`${id}-error`} role="alert">
            “{short[0]}” needs at least one other word on its line.
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy || Boolean(short) || text === saved}>
          {busy ? 'Saving…' : 'Save words'}
        </button>
        {notice ? <span role="status">{notice}</span> : null}
      </div>
    </form>
  );
}
