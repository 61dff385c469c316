import { CHANNEL_LABEL, type Channel } from './conversations.js';

/**
 * How audit entries read for people: a short name per action (filters), a sentence per entry
 * (what happened), and the fields that changed. Shared by the server (which sends them with each
 * entry) and the staff screens. Unknown actions read as their code.
 */
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
  'property.offboard': 'Hotel offboarded',
  'ai.pause': 'AI paused',
  'ai.resume': 'AI resumed',
  'channel.create': 'Channel connected',
  'channel.update': 'Channel changed',
  'backup.create': 'Backup taken',
  'conversation.assign': 'Conversation assigned',
  'conversation.take_over': 'Conversation taken over',
  'conversation.hand_back': 'Conversation handed back to the AI',
  'conversation.resolve': 'Conversation resolved',
  'conversation.reopen': 'Conversation reopened',
  'guest.reveal': 'Guest contact revealed',
  'keys.rotate_master': 'Master key rotated',
  'keys.rotate_data_key': 'Hotel data key rotation started',
  'keys.retire_data_key': 'Old hotel data key destroyed',
  'knowledge.create': 'Knowledge added',
  'knowledge.update': 'Knowledge edited',
  'knowledge.deactivate': 'Knowledge deactivated',
  'knowledge.import': 'Knowledge imported',
  'knowledge.replace': 'Knowledge base replaced',
  'knowledge_gap.add': 'Knowledge gap answered',
  'knowledge_gap.dismiss': 'Knowledge gap dismissed',
  'lead.update': 'Lead updated',
  'outbox.retry': 'Message resent',
  'privacy.export': 'Guest data exported',
  'privacy.erase': 'Guest erased',
  'retention.purge': 'Old conversations deleted',
  'conversation.note_added': 'Note left on a conversation',
  'saved_reply.create': 'Saved reply added',
  'saved_reply.update': 'Saved reply changed',
  'saved_reply.delete': 'Saved reply removed',
};

export function actionLabel(action: string): string {
  return Object.hasOwn(ACTION_LABELS, action) ? ACTION_LABELS[action]! : action;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function quoted(v: unknown): string {
  return typeof v === 'string' && v ? ` “${v}”` : '';
}

function channelName(target: string | null): string {
  const channel = (target ?? '').split(':')[0] as Channel;
  return Object.hasOwn(CHANNEL_LABEL, channel) ? CHANNEL_LABEL[channel] : 'a';
}

/** "Take Over" style words from a code. */
function words(code: string): string {
  return code.replace(/[_.]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

const CONVERSATION_SENTENCES: Record<string, string> = {
  'conversation.assign': 'Assigned a conversation',
  'conversation.take_over': 'Took over a conversation from the AI',
  'conversation.hand_back': 'Handed a conversation back to the AI',
  'conversation.resolve': 'Resolved a conversation',
  'conversation.reopen': 'Reopened a conversation',
  'conversation.note_added': 'Left a note on a conversation',
};

export interface AuditSubject {
  action: string;
  target: string | null;
  /** The hotel's name, when the entry concerns one. */
  hotel: string | null;
  /** The display name of the user the entry is about (user.* actions), when known. */
  targetName: string | null;
  before: unknown;
  after: unknown;
}

/** What happened, as a sentence a manager understands (without the actor: the log shows who). */
export function auditSentence(e: AuditSubject): string {
  const after = obj(e.after);
  const before = obj(e.before);
  const hotel = e.hotel ? ` ${e.hotel}` : ' a hotel';
  const user = e.targetName ?? 'a user';
  switch (e.action) {
    case 'auth.login':
      return 'Signed in';
    case 'auth.login_failed':
      return 'A sign-in failed (wrong email, password or code)';
    case 'auth.login_blocked':
      return 'Sign-in blocked after too many failed attempts';
    case 'auth.logout':
      return 'Signed out';
    case 'user.create':
      return `Created the account of ${user}${typeof after.role === 'string' ? ` (${after.role})` : ''}`;
    case 'user.update':
      return `Changed the account of ${user}`;
    case 'user.password_change':
      return `Changed the password of ${user}`;
    case 'user.totp_enable':
      return 'Turned on two-factor sign-in';
    case 'property.create':
      return `Created the hotel${hotel}`;
    case 'property.update':
      return `Changed the settings of${hotel}`;
    case 'property.offboard':
      return 'Offboarded a hotel: exported its data, then destroyed its key and database';
    case 'ai.pause':
      return `Paused the AI assistant ${e.hotel ? `at ${e.hotel}` : 'for every hotel'}${typeof after.reason === 'string' && after.reason ? `: ${after.reason}` : ''}`;
    case 'ai.resume':
      return `Resumed the AI assistant ${e.hotel ? `at ${e.hotel}` : 'for every hotel'}`;
    case 'channel.create':
      return `Connected the ${channelName(e.target)} channel`;
    case 'channel.update':
      return `Changed the ${channelName(e.target)} channel settings`;
    case 'backup.create':
      return 'Took an encrypted backup';
    case 'guest.reveal':
      return 'Revealed a guest’s contact details';
    case 'keys.rotate_master':
      return 'Rotated the master key';
    case 'keys.rotate_data_key':
      return `Started re-encrypting${hotel}’s data with a new key`;
    case 'keys.retire_data_key':
      return `Destroyed${hotel}’s old data key`;
    case 'knowledge.create':
      return `Added the knowledge item${quoted(after.title)}`;
    case 'knowledge.update':
      return `Edited the knowledge item${quoted(after.title ?? before.title)}`;
    case 'knowledge.deactivate':
      return `Deactivated the knowledge item${quoted(after.title ?? before.title)}`;
    case 'knowledge.import':
      return `Imported ${plural(num(after.created) + num(after.updated), 'knowledge item', 'knowledge items')}${typeof after.file === 'string' ? ` from ${after.file}` : ''}`;
    case 'knowledge.replace':
      return `Replaced the knowledge base (${num(after.created)} added, ${num(after.updated)} changed, ${num(after.deactivated)} deactivated)`;
    case 'knowledge_gap.add':
      return `Answered a knowledge gap with the new item${quoted(after.title)}`;
    case 'knowledge_gap.dismiss':
      return 'Dismissed a knowledge gap';
    case 'lead.update':
      return after.status && after.status !== before.status ? `Marked a lead ${String(after.status)}` : 'Updated a lead';
    case 'outbox.retry':
      return 'Resent a message that had failed';
    case 'privacy.export':
      return 'Exported the data held about a guest';
    case 'privacy.erase': {
      const hotels = Array.isArray(after.hotels) ? (after.hotels as unknown[]).map(obj) : [];
      const sum = (k: string) => hotels.reduce((n, h) => n + num(h[k]), 0);
      return `Erased a guest: ${plural(sum('guests'), 'guest record', 'guest records')}, ${plural(sum('conversations'), 'conversation', 'conversations')} and ${plural(sum('leads'), 'inquiry', 'inquiries')} in ${plural(hotels.length, 'hotel', 'hotels')}`;
    }
    case 'retention.purge':
      return 'Deleted conversations older than the hotel’s retention period';
    default:
      return CONVERSATION_SENTENCES[e.action] ?? actionLabel(e.action);
  }
}

export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** The fields whose value differs between the before and after snapshots (top level, in order). */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const b = obj(before);
  const a = obj(after);
  if (before === null && after === null) return [];
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => JSON.stringify(b[k] ?? null) !== JSON.stringify(a[k] ?? null))
    .map((k) => ({ field: words(k).replace(/^./, (c) => c.toUpperCase()), before: b[k] ?? null, after: a[k] ?? null }));
}
