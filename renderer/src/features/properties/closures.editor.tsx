import { useId, useState } from 'react';
import { FieldErrorText } from '../../shared/field';
import { newKey, type ClosureDraft } from './property-draft';

interface ClosuresEditorProps {
  value: ClosureDraft[];
  onChange: (next: ClosureDraft[]) => void;
  /** The server's message for a path such as `closures.0.date`. */
  errorFor: (path: string) => string | undefined;
}

/** Whole days the desk is closed, such as public holidays. */
export function ClosuresEditor({ value, onChange, errorFor }: ClosuresEditorProps) {
  const uid = useId();
  const [added, setAdded] = useState<string | null>(null);
  const update = (key: string, patch: Partial<ClosureDraft>) => onChange(value.map((c) => (c.key === key ? { ...c, ...patch } : c)));

  return (
    <div className="closures">
      {value.length === 0 ? <p className="muted">No closure dates.</p> : null}
      {value.length > 0 ? (
        <ul className="closure-list">
          {value.map((c, i) => {
            const label = `Closure ${i + 1}`;
            const dateId = `${uid}-${c.key}-date`;
            const noteId = `${uid}-${c.key}-note`;
            const dateError = errorFor(`closures.${i}.date`);
            const noteError = errorFor(`closures.${i}.note`);
            return (
              <li key={c.key} className="closure">
                <div className={dateError ? 'time-field field--invalid' : 'time-field'}>
                  <label htmlFor={dateId}>
                    <span className="visually-hidden">{label}, </span>Date
                  </label>
                  <input
                    id={dateId}
                    type="date"
                    value={c.date}
                    onChange={(e) => update(c.key, { date: e.target.value })}
                    aria-invalid={dateError ? true : undefined}
                    aria-describedby={dateError ? `${dateId}-error` : undefined}
                    autoFocus={c.key === added}
                  />
                  <FieldErrorText id={`${dateId}-error`} error={dateError} />
                </div>
                <div className={noteError ? 'time-field closure-note field--invalid' : 'time-field closure-note'}>
                  <label htmlFor={noteId}>
                    <span className="visually-hidden">{label}, </span>Note
                  </label>
                  <input
                    id={noteId}
                    type="text"
                    maxLength={120}
                    placeholder="Public holiday"
                    value={c.note}
                    onChange={(e) => update(c.key, { note: e.target.value })}
                    aria-invalid={noteError ? true : undefined}
                    aria-describedby={noteError ? `${noteId}-error` : undefined}
                  />
                  <FieldErrorText id={`${noteId}-error`} error={noteError} />
                </div>
                <button type="button" className="button button--quiet" onClick={() => onChange(value.filter((x) => x.key !== c.key))}>
                  Remove<span className="visually-hidden"> {label}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <button
        type="button"
        className="button"
        onClick={() => {
          const next = { key: newKey(), date: '', note: '' };
          setAdded(next.key);
          onChange([...value, next]);
        }}
      >
        Add closure date
      </button>
    </div>
  );
}
