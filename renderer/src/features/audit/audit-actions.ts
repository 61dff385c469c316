import { ACTION_LABELS, actionLabel } from '@contract/audit-log';

export { actionLabel };

/** Options for the action filter: the known actions plus any others seen in the log. */
export function actionOptions(seen: Iterable<string>): { value: string; label: string }[] {
  const all = new Set([...Object.keys(ACTION_LABELS), ...seen]);
  return [{ value: '', label: 'Any action' }, ...[...all].map((a) => ({ value: a, label: actionLabel(a) })).sort((a, b) => a.label.localeCompare(b.label))];
}
