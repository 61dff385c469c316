/** Readable names for the actions the server records; unknown actions show their code. */
export const ACTION_LABELS: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.login_blocked': 'Sign-in blocked',
  'auth.logout': 'Signed out',
  'user.create': 'User created',
  'user.update': 'User changed',
  'user.password_change': 'Password changed',
  'user.totp_enable': 'Two-factor turned on',
  'property.create': 'Hotel created',
  'property.update': 'Hotel settings changed',
  'ai.pause': 'AI paused',
  'ai.resume': 'AI resumed',
  'conversation.note_added': 'Note left on a conversation',
  'saved_reply.create': 'Saved reply added',
  'saved_reply.update': 'Saved reply changed',
  'saved_reply.delete': 'Saved reply removed',
};

export function actionLabel(action: string): string {
  return Object.hasOwn(ACTION_LABELS, action) ? ACTION_LABELS[action]! : action;
}

/** Options for the action filter: the known actions plus any others seen in the log. */
export function actionOptions(seen: Iterable<string>): { value: string; label: string }[] {
  const all = new Set([...Object.keys(ACTION_LABELS), ...seen]);
  return [{ value: '', label: 'Any action' }, ...[...all].sort().map((a) => ({ value: a, label: `${actionLabel(a)} (${a})` }))];
}
