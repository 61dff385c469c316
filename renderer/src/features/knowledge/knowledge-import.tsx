import { useRef, useState, type FormEvent } from 'react';
import { asApiError, isAbort, type ApiError } from '../../api/client';
import { SelectField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { formatPercent } from '../../shared/format';
import { CATEGORY_LABEL, KNOWLEDGE_CATEGORIES, useKnowledgeApi, type ImportResult, type KnowledgeCategory } from './knowledge.api';

const CATEGORY_OPTIONS = [{ value: '' as const, label: 'Guess per section' }, ...KNOWLEDGE_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABEL[c] }))];

/** Import a document (Markdown, text, HTML, PDF, DOCX, or a CSV/JSON of questions and answers) with upload progress. */
export function KnowledgeImport({ propertyId, onImported }: { propertyId: string; onImported: (result: ImportResult) => void }) {
  const api = useKnowledgeApi();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [category, setCategory] = useState<KnowledgeCategory | ''>('');
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const controller = useRef<AbortController | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setError(asApiError(new Error('Choose a file to import first.')));
      return;
    }
    setError(null);
    setResult(null);
    setProgress(0);
    controller.current = new AbortController();
    try {
      const imported = await api.importFile(propertyId, file, { category: category || undefined, onProgress: setProgress, signal: controller.current.signal });
      setResult(imported);
      onImported(imported);
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
    } catch (err) {
      if (!isAbort(err)) setError(asApiError(err));
    } finally {
      setProgress(null);
      controller.current = null;
    }
  }

  return (
    <form className="kb-import" noValidate onSubmit={(e) => void submit(e)}>
      <FormProblem error={error} lead="Not imported" />
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`kb-file-${propertyId}`}>File</label>
          <input
            id={`kb-file-${propertyId}`}
            ref={fileRef}
            type="file"
            accept=".md,.markdown,.txt,.html,.htm,.pdf,.docx,.csv,.json"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            aria-describedby={`kb-file-${propertyId}-hint`}
          />
          <p id={`kb-file-${propertyId}-hint`} className="field-hint">
            Markdown, text, HTML, PDF, Word (DOCX), or a CSV/JSON of questions and answers. Items whose titles already exist are updated.
          </p>
        </div>
        <SelectField label="Category" value={category} options={CATEGORY_OPTIONS} onChange={setCategory} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={progress !== null}>
          {progress !== null ? 'Importing…' : 'Import file'}
        </button>
        {progress !== null ? (
          <>
            <progress className="progress" max={1} value={progress} aria-label="Upload progress" />
            <span aria-live="polite">{progress < 1 ? `Uploading ${formatPercent(progress)}` : 'Reading the file…'}</span>
            <button type="button" className="button button--quiet" onClick={() => controller.current?.abort()}>
              Cancel
            </button>
          </>
        ) : null}
      </div>
      {result ? (
        <p className="notice" role="status">
          Imported {result.source} ({result.format}): {result.created} new, {result.updated} updated, {result.unchanged} unchanged. Indexing continues below.
        </p>
      ) : null}
    </form>
  );
}
