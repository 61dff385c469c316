import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Resource, ResourceControls } from './use-resource';

interface ScreenProps {
  title: string;
  /** A line under the heading. */
  subtitle?: ReactNode;
  /** Buttons or links placed beside the heading. */
  actions?: ReactNode;
  children: ReactNode;
}

/** The frame of every screen: one h1, the document title, and focus moved to the heading on arrival. */
export function Screen({ title, subtitle, actions, children }: ScreenProps) {
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${title} · Nocturn`;
  }, [title]);

  // Screen-reader users hear where they landed after a route change.
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);

  return (
    <>
      <header className="screen-header">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            {title}
          </h1>
          {subtitle ? <div className="screen-subtitle">{subtitle}</div> : null}
        </div>
        {actions ? <div className="screen-actions">{actions}</div> : null}
      </header>
      {children}
    </>
  );
}

/** A screen's "New …" action: opens and closes the form it controls below the heading. */
export function NewFormButton({ open, formId, onToggle, children }: { open: boolean; formId: string; onToggle: () => void; children: ReactNode }) {
  return (
    <button type="button" className="button button--primary" aria-expanded={open} aria-controls={open ? formId : undefined} onClick={onToggle}>
      {children}
    </button>
  );
}

/**
 * A list screen's "New …" form: whether it is open, and the notice after a create. What was created
 * joins the list as the server returned it, without another request (a list that did not load is loaded again).
 */
export function useNewForm<T>(list: Resource<T[]>, { set, reload }: ResourceControls<T[]>) {
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState('');
  return {
    open,
    notice,
    toggle: () => {
      setOpen((o) => !o);
      setNotice('');
    },
    close: () => setOpen(false),
    created: (item: T, message: string) => {
      if (list.status === 'ready') set([...list.data, item]);
      else reload();
      setOpen(false);
      setNotice(message);
    },
  };
}
