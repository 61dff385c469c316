import { useState, type FormEvent, type ReactNode } from 'react';

const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);

/** What the filter form's buttons do. */
export interface FilterActions {
  apply: (e: FormEvent) => void;
  clear: () => void;
  /** Nothing to clear: no filter in the form nor on the list. */
  pristine: boolean;
}

/** A list's filters: the draft in the form, and what was applied to the list with "Apply filters". */
export function useFilters<F extends object>(none: F): { draft: F; applied: F; filtered: boolean; edit: (next: Partial<F>) => void; actions: FilterActions } {
  const [draft, setDraft] = useState<F>(none);
  const [applied, setApplied] = useState<F>(none);
  return {
    draft,
    applied,
    /** Whether the list is narrowed by any filter. */
    filtered: !same(applied, none),
    edit: (next: Partial<F>) => setDraft((d) => ({ ...d, ...next })),
    actions: {
      apply: (e: FormEvent) => {
        e.preventDefault();
        setApplied(draft);
      },
      clear: () => {
        setDraft(none);
        setApplied(none);
      },
      pristine: same(draft, none) && same(applied, none),
    },
  };
}

interface FilterFormProps {
  /** The id of the form's (visually hidden) heading. */
  id: string;
  actions: FilterActions;
  gridClassName?: string;
  /** Said beside the buttons. */
  note?: ReactNode;
  /** The filter fields. */
  children: ReactNode;
}

/** The filter panel above a list: its fields, "Apply filters" and "Clear". */
export function FilterForm({ id, actions, gridClassName = 'filter-grid', note, children }: FilterFormProps) {
  return (
    <form className="panel filters" aria-labelledby={id} noValidate onSubmit={actions.apply}>
      <h2 id={id} className="visually-hidden">
        Filters
      </h2>
      <div className={gridClassName}>{children}</div>
      <div className="form-actions">
        <button type="submit" className="button button--primary">
          Apply filters
        </button>
        <button type="button" className="button" disabled={actions.pristine} onClick={actions.clear}>
          Clear
        </button>
        {note ? <p className="muted filter-note">{note}</p> : null}
      </div>
    </form>
  );
}

/** The whole local days of a yyyy-mm-dd range from date inputs: `from` at its midnight, `to` up to the next midnight (the server's `to` is exclusive). */
export function wholeDays(from: string, to: string): { from: string | undefined; to: string | undefined } {
  const midnight = (day: string, addDays = 0) => {
    const d = new Date(`${day}T00:00:00`);
    d.setDate(d.getDate() + addDays);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  };
  return { from: from ? midnight(from) : undefined, to: to ? midnight(to, 1) : undefined };
}
