import { useEffect, useRef, type ReactNode } from 'react';

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
