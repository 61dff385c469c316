import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { formatPercent } from '../../shared/format';
import { CATEGORY_LABEL, useKnowledgeApi, type KnowledgeSearchResult as SearchResult } from './knowledge.api';

/** Calibrated relevance from which an item more likely than not answers the question (server/features/knowledge/relevance.ts). */
const GOOD_MATCH = 0.5;

/** "What would the assistant find?": one question, or a list of them, searched as the pipeline does. */
export function KnowledgeSearch({ propertyId }: { propertyId: string }) {
  const api = useKnowledgeApi();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function search(e: FormEvent) {
    e.preventDefault();
    if (!query.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await api.search(propertyId, query.trim(), 5));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="kb-search">
      <form className="kb-search-form" noValidate onSubmit={(e) => void search(e)} role="search" aria-label="Test the knowledge base">
        <FormProblem error={error} lead="Search failed" />
        <TextField label="A guest’s question" value={query} onChange={setQuery} maxLength={2000} placeholder="Is there parking at the hotel?" autoComplete="off" />
        <button type="submit" className="button button--primary" disabled={busy || !query.trim()}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {result ? (
        result.results.length === 0 ? (
          <p className="kb-verdict kb-verdict--none">Nothing found: the assistant would hand this question to staff. Add an item that answers it.</p>
        ) : (
          <>
            <p className="muted">Search used {result.mode === 'hybrid' ? 'meaning and keywords' : 'keywords only'}.</p>
            <ol className="kb-results">
              {result.results.map((r) => (
                <li key={r.itemId}>
                  <p className="kb-result-title">
                    {r.title} <span className="muted">· {CATEGORY_LABEL[r.category]} · relevance {formatPercent(r.score)}</span>
                  </p>
                  <p className="kb-result-snippet">{r.snippet}</p>
                </li>
              ))}
            </ol>
          </>
        )
      ) : null}
      <QuestionList propertyId={propertyId} />
    </div>
  );
}

interface Row {
  question: string;
  best: SearchResult['results'][number] | null;
  error?: string;
}

/** Many questions at once (one per line): which would find an answer and which would go to staff. */
function QuestionList({ propertyId }: { propertyId: string }) {
  const api = useKnowledgeApi();
  const [text, setText] = useState('');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(e: FormEvent) {
    e.preventDefault();
    const questions = [
      ...new Set(
        text
          .split(/\r?\n/)
          .map((q) => q.trim())
          .filter(Boolean),
      ),
    ].slice(0, 100);
    if (questions.length === 0) return;
    setBusy(true);
    const out: Row[] = [];
    for (const question of questions) {
      try {
        const r = await api.search(propertyId, question.slice(0, 2000), 1);
        out.push({ question, best: r.results[0] ?? null });
      } catch (err) {
        out.push({ question, best: null, error: asApiError(err).detail ?? 'failed' });
      }
      setRows([...out]);
    }
    setBusy(false);
  }

  const answered = rows?.filter((r) => r.best && r.best.score >= GOOD_MATCH).length ?? 0;
  return (
    <form className="kb-batch" noValidate onSubmit={(e) => void run(e)}>
      <h3>Test a list of questions</h3>
      <div className="field">
        <label htmlFor={`kb-batch-${propertyId}`}>Questions, one per line</label>
        <textarea id={`kb-batch-${propertyId}`} rows={4} value={text} onChange={(e) => setText(e.target.value)} placeholder={'What time is check-in?\nDo you have a pool?\nCan I bring my dog?'} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy || !text.trim()}>
          {busy ? `Testing ${rows?.length ?? 0}…` : 'Test all'}
        </button>
        {rows && !busy ? (
          <span role="status">
            {answered} of {rows.length} found a good match.
          </span>
        ) : null}
      </div>
      {rows && rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table kb-batch-table">
            <caption className="visually-hidden">Results for each question</caption>
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col">Best match</th>
                <th scope="col">Relevance</th>
                <th scope="col">Likely outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.question}>
                  <td>{r.question}</td>
                  <td>{r.best?.title ?? (r.error ? `Error: ${r.error}` : '—')}</td>
                  <td>{r.best ? formatPercent(r.best.score) : ''}</td>
                  <td>{r.best && r.best.score >= GOOD_MATCH ? <span className="badge badge--on">Answered</span> : <span className="badge badge--warn">To staff</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </form>
  );
}
