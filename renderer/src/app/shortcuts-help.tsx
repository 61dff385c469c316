import { useState } from 'react';
import { useKeyShortcuts } from '../shared/keyboard';
import { ModalDialog } from '../shared/modal-dialog';
import { navigate } from './router';

const SHORTCUTS: readonly { keys: string[]; what: string }[] = [
  { keys: ['j'], what: 'Next conversation in the inbox' },
  { keys: ['k'], what: 'Previous conversation' },
  { keys: ['Enter'], what: 'Open the highlighted conversation' },
  { keys: ['r'], what: 'Reply: go to the reply box' },
  { keys: ['t'], what: 'Take the conversation over from the AI' },
  { keys: ['e'], what: 'Resolve the conversation' },
  { keys: ['Ctrl+Enter'], what: 'Send the reply' },
  { keys: ['/shortcut', 'Tab'], what: 'Insert a saved reply (in the reply box)' },
  { keys: ['Esc'], what: 'Leave the reply box, back to the list' },
  { keys: ['g', 'i'], what: 'Go to the inbox' },
  { keys: ['g', 'l'], what: 'Go to leads' },
  { keys: ['?'], what: 'Show this list' },
];

/** `?` shows every keyboard shortcut; `g` then a letter jumps between screens. */
export function ShortcutsHelp() {
  const [open, setOpen] = useState(false);
  const [awaitingGo, setAwaitingGo] = useState(false);

  useKeyShortcuts({
    '?': () => setOpen(true),
    g: () => {
      setAwaitingGo(true);
      setTimeout(() => setAwaitingGo(false), 1500);
    },
    i: () => {
      if (awaitingGo) navigate({ screen: 'inbox' });
      setAwaitingGo(false);
    },
    l: () => {
      if (awaitingGo) navigate({ screen: 'leads' });
      setAwaitingGo(false);
    },
  });

  if (!open) return null;
  return (
    <ModalDialog title="Keyboard shortcuts" onCancel={() => setOpen(false)}>
      <table className="table shortcuts">
        <caption className="visually-hidden">Keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What it does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <td className="nowrap">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 ? ' then ' : null}
                    {k.length > 1 && k.includes('+')
                      ? k.split('+').map((part, j) => (
                          <span key={part}>
                            {j > 0 ? '+' : null}
                            <kbd>{part}</kbd>
                          </span>
                        ))
                      : <kbd>{k}</kbd>}
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={() => setOpen(false)} data-autofocus>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
