import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { formatPercent } from '../../shared/format';
import { HANDOFF_LABEL } from '../conversations/labels';
import { useAssistantApi, type TrialResult } from './assistant.api';
import { CATEGORY_LABEL, useKnowledgeApi, type KnowledgeSearchResult as SearchResult } from './knowledge.api';

/** "What would the assistant say?": one question, or a list of them, run as a guest's message would be (nothing is stored). */
export function KnowledgeSearch({ propertyId }: { propertyId: string }) {
  const api = useKnowledgeApi();
  const assistant = useAssistantApi();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [trial, setTrial] = useState<TrialResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function search(e: FormEvent) {
    e.preventDefault();
    if (!query.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const question = query.trim();
      const [found, reply] = await Promise.all([api.search(propertyId, question, 5), assistant.tryQuestion(propertyId, question)]);
      setResult(found);
      setTrial(reply);
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
          {busy ? 'Trying…' : 'Try it'}
        </button>
      </form>
      {trial ? <TrialReply trial={trial} /> : null}
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

/** The reply the guest would get, and whether staff would be asked to take over. */
function TrialReply({ trial }: { trial: TrialResult }) {
  const best = trial.retrieved[0];
  return (
    <section className="kb-trial" aria-label="The assistant's reply">
      <p>
        {trial.decision === 'answer' ? (
          <span className="badge badge--on">Answered</span>
        ) : (
          <span className="badge badge--warn">To staff{trial.handoffReason ? `: ${HANDOFF_LABEL[trial.handoffReason]}` : ''}</span>
        )}{' '}
        {best ? (
          <span className="muted">
            Best match {best.title}, relevance {formatPercent(best.score)}
          </span>
        ) : null}
      </p>
      {trial.parts.length > 1 ? <TrialParts trial={trial} /> : null}
      {trial.reply ? <blockquote className="kb-trial-reply">{trial.reply}</blockquote> : <p className="muted">No reply would be sent.</p>}
    </section>
  );
}

/** A message of several questions: what each was read as, and which the assistant answers and which go to staff. */
function TrialParts({ trial }: { trial: TrialResult }) {
  const titles = new Map(trial.retrieved.map((r) => [r.itemId, r.title]));
  return (
    <ol className="kb-trial-parts" aria-label="Questions in the message">
      {trial.parts.map((part, i) => {
        const title = part.itemId ? titles.get(part.itemId) : undefined;
        return (
          <li key={i}>
            {part.answered ? <span className="badge badge--on">Answered</span> : <span className="badge badge--warn">To staff</span>} “{part.question}”
            {title ? (
              <span className="muted">
                {' '}
                {part.answered ? 'from' : 'best match'} {title}, relevance {formatPercent(part.relevance)}
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

interface Row {
  question: string;
  trial: TrialResult | null;
  error?: string;
}

/** Many questions at once (one per line): which would find an answer and which would go to staff. */
function QuestionList({ propertyId }: { propertyId: string }) {
  const assistant = useAssistantApi();
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
        out.push({ question, trial: await assistant.tryQuestion(propertyId, question.slice(0, 2000)) });
      } catch (err) {
        out.push({ question, trial: null, error: asApiError(err).detail ?? 'failed' });
      }
      setRows([...out]);
    }
    setBusy(false);
  }

  const answered = rows?.filter((r) => r.trial?.decision === 'answer').length ?? 0;
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
            {answered} of {rows.length} answered by the assistant; the rest would go to staff.
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
                <th scope="col">Outcome</th>
                <th scope="col">Reply</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const best = r.trial?.retrieved[0];
                return (
                  <tr key={r.question}>
                    <td>{r.question}</td>
                    <td>{best?.title ?? (r.error ? `Error: ${r.error}` : '—')}</td>
                    <td>{best ? formatPercent(best.score) : ''}</td>
                    <td>{r.trial?.decision === 'answer' ? <span className="badge badge--on">Answered</span> : <span className="badge badge--warn">To staff</span>}</td>
                    <td className="kb-batch-reply" title={r.trial?.reply ?? ''}>
                      {r.trial?.reply ?? ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </form>
  );
}
