import { useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { hrefFor } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { SelectField, TextField } from '../../shared/field';
import { formatDateTime } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { count } from './report-labels';
import { useReportsApi, type GapAnswer, type KnowledgeGap } from './reports.api';

const CATEGORIES: readonly { value: GapAnswer['category']; label: string }[] = [
  { value: 'faqs', label: 'FAQ' },
  { value: 'facilities', label: 'Facilities' },
  { value: 'rooms', label: 'Rooms' },
  { value: 'rates', label: 'Rates' },
  { value: 'dining', label: 'Dining' },
  { value: 'directions', label: 'Directions' },
  { value: 'policies', label: 'Policies' },
];

function titleFrom(question: string): string {
  const t = question.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
}

function GapRow({ propertyId, gap, onDone }: { propertyId: string; gap: KnowledgeGap; onDone: (message: string) => void }) {
  const api = useReportsApi();
  const can = useCan();
  const [answering, setAnswering] = useState(false);
  const [draft, setDraft] = useState<GapAnswer>({ category: 'faqs', title: titleFrom(gap.question), content: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.answerGap(propertyId, gap.id, draft);
      onDone(`Added “${draft.title}” to the knowledge base.`);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  async function dismiss() {
    setBusy(true);
    setError(null);
    try {
      await api.dismissGap(propertyId, gap.id);
      onDone('Dismissed.');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="gap">
      <div className="gap-head">
        <p className="gap-question">“{gap.question}”</p>
        <p className="gap-count">
          Asked {count(gap.count)} {gap.count === 1 ? 'time' : 'times'}
          <span className="muted"> · last {formatDateTime(gap.lastAskedAt)}</span>
        </p>
      </div>
      {gap.conversationIds.length ? (
        <p className="gap-links">
          {gap.conversationIds.map((id, i) => (
            <a key={id} href={hrefFor({ screen: 'inbox', propertyId, conversationId: id })}>
              Conversation {i + 1}
            </a>
          ))}
        </p>
      ) : null}
      {can('knowledge.write') ? (
        answering ? (
          <form className="stack-form gap-form" onSubmit={(e) => void submit(e)}>
            <SelectField label="Category" value={draft.category} options={CATEGORIES} onChange={(category) => setDraft((d) => ({ ...d, category }))} />
            <TextField label="Title" value={draft.title} maxLength={200} required onChange={(title) => setDraft((d) => ({ ...d, title }))} error={error?.fieldError('title')} />
            <div className="field">
              <label htmlFor={`gap-answer-${gap.id}`}>Answer</label>
              <textarea id={`gap-answer-${gap.id}`} rows={4} required maxLength={50_000} value={draft.content} onChange={(e) => setDraft((d) => ({ ...d, content: e.target.value }))} />
            </div>
            <div className="form-actions">
              <button type="submit" className="button button--primary" disabled={busy || !draft.content.trim() || !draft.title.trim()}>
                Add to knowledge
              </button>
              <button type="button" className="button" onClick={() => setAnswering(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <div className="form-actions">
            <button type="button" className="button button--primary button--small" onClick={() => setAnswering(true)}>
              Answer and add to knowledge
            </button>
            <button type="button" className="button button--small" disabled={busy} onClick={() => void dismiss()}>
              Dismiss
            </button>
          </div>
        )
      ) : null}
      {error && !error.fieldError('title') ? <p className="field-error">{error.detail ?? error.title}</p> : null}
    </li>
  );
}

/** Knowledge gaps (F5): what guests asked that the AI could not answer, most asked first. */
export function KnowledgeGapsPanel({ propertyId }: { propertyId: string }) {
  const api = useReportsApi();
  const [gaps, { reload }] = useResource((signal) => api.gaps(propertyId, null, signal), [api, propertyId]);
  const [notice, setNotice] = useState('');
  return (
    <section className="panel" aria-labelledby="report-gaps">
      <h2 id="report-gaps">Knowledge gaps</h2>
      <p className="section-help">Questions the AI handed to staff because the knowledge base had no answer or it was unsure, grouped by similar wording.</p>
      <p role="status" className="notice-line">
        {notice}
      </p>
      {gaps.status === 'loading' ? <p>Loading…</p> : null}
      {gaps.status === 'error' ? <LoadProblem error={gaps.error} what="the knowledge gaps" denied="Knowledge gaps are for managers and admins." onRetry={reload} /> : null}
      {gaps.status === 'ready' && gaps.data.length === 0 ? <p className="muted">No open gaps: the AI had an answer for every question it was asked.</p> : null}
      {gaps.status === 'ready' && gaps.data.length > 0 ? (
        <ul className="gap-list">
          {gaps.data.map((g) => (
            <GapRow
              key={g.id}
              propertyId={propertyId}
              gap={g}
              onDone={(message) => {
                setNotice(message);
                reload();
              }}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
