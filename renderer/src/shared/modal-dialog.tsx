import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ModalDialogProps {
  title: string;
  /** Escape or a Cancel button; without it the dialog stays until its content closes it. */
  onCancel?: () => void;
  /** `alertdialog` for a question that interrupts, such as a confirmation. */
  role?: 'dialog' | 'alertdialog';
  children: ReactNode;
}

/**
 * A native modal <dialog>: the page behind is inert, focus moves into the dialog and Escape is
 * handled. Mounted means open; focus goes back to the control that opened it when it closes.
 * Mark the control to focus first with `data-autofocus`.
 */
export function ModalDialog({ title, onCancel, role, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // showModal focuses the first control; content can name a better one (e.g. the empty password).
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel?.();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
