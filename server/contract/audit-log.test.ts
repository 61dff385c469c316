import { describe, expect, it } from 'vitest';
import { actionLabel, auditChanges, auditSentence, type AuditSubject } from './audit-log.js';

const entry = (action: string, extra: Partial<AuditSubject> = {}): AuditSubject => ({ action, target: null, hotel: 'Harbour View', targetName: null, before: null, after: null, ...extra });

describe('audit entries as people read them', () => {
  it('says what happened in a sentence, naming the hotel, the user and the item', () => {
    const cases: [AuditSubject, string][] = [
      [entry('auth.login'), 'Signed in'],
      [entry('auth.login_failed'), 'A sign-in failed (wrong email, password or code)'],
      [entry('auth.login_blocked'), 'Sign-in blocked after too many failed attempts'],
      [entry('auth.logout'), 'Signed out'],
      [entry('user.create', { targetName: 'Aisha Tan', after: { role: 'agent' } }), 'Created the account of Aisha Tan (agent)'],
      [entry('user.update', { targetName: 'Aisha Tan' }), 'Changed the account of Aisha Tan'],
      [entry('user.password_change'), 'Changed the password of a user'],
      [entry('user.totp_enable'), 'Turned on two-factor sign-in'],
      [entry('property.create'), 'Created the hotel Harbour View'],
      [entry('property.update'), 'Changed the settings of Harbour View'],
      [entry('property.offboard', { hotel: null }), 'Offboarded a hotel: exported its data, then destroyed its key and database'],
      [entry('ai.pause', { after: { paused: true, reason: 'Prices changed' } }), 'Paused the AI assistant at Harbour View: Prices changed'],
      [entry('ai.resume', { hotel: null }), 'Resumed the AI assistant for every hotel'],
      [entry('channel.create', { target: 'whatsapp:prop_1' }), 'Connected the WhatsApp channel'],
      [entry('channel.update', { target: 'widget:prop_1' }), 'Changed the Website chat channel settings'],
      [entry('backup.create', { hotel: null }), 'Took an encrypted backup'],
      [entry('guest.reveal'), 'Revealed a guest’s contact details'],
      [entry('keys.rotate_master'), 'Rotated the master key'],
      [entry('keys.rotate_data_key'), 'Started re-encrypting Harbour View’s data with a new key'],
      [entry('keys.retire_data_key'), 'Destroyed Harbour View’s old data key'],
      [entry('knowledge.create', { after: { title: 'Pool' } }), 'Added the knowledge item “Pool”'],
      [entry('knowledge.update', { before: { title: 'Pool' }, after: {} }), 'Edited the knowledge item “Pool”'],
      [entry('knowledge.deactivate', { after: { title: 'Pool' } }), 'Deactivated the knowledge item “Pool”'],
      [entry('knowledge.import', { after: { created: 1, updated: 0 } }), 'Imported 1 knowledge item'],
      [entry('knowledge.replace', { after: { created: 2, updated: 1, deactivated: 3 } }), 'Replaced the knowledge base (2 added, 1 changed, 3 deactivated)'],
      [entry('knowledge_gap.add', { after: { title: 'Parking' } }), 'Answered a knowledge gap with the new item “Parking”'],
      [entry('knowledge_gap.dismiss'), 'Dismissed a knowledge gap'],
      [entry('lead.update', { before: { status: 'new' }, after: { status: 'converted' } }), 'Marked a lead converted'],
      [entry('lead.update', { before: { status: 'new' }, after: { status: 'new' } }), 'Updated a lead'],
      [entry('outbox.retry'), 'Resent a message that had failed'],
      [entry('privacy.export'), 'Exported the data held about a guest'],
      [entry('privacy.erase', { after: { hotels: [{ guests: 2, conversations: 3, leads: 1 }] } }), 'Erased a guest: 2 guest records, 3 conversations and 1 inquiry in 1 hotel'],
      [entry('retention.purge'), 'Deleted conversations older than the hotel’s retention period'],
      [entry('conversation.take_over'), 'Took over a conversation from the AI'],
      [entry('something.new'), 'something.new'],
    ];
    for (const [e, sentence] of cases) expect(auditSentence(e), e.action).toBe(sentence);
    expect(actionLabel('ai.pause')).toBe('AI paused');
  });

  it('lists only the fields that changed', () => {
    expect(auditChanges({ status: 'new', bookingValue: null, intent: 'other' }, { status: 'converted', bookingValue: 540, intent: 'other', lostReason: null })).toEqual([
      { field: 'Status', before: 'new', after: 'converted' },
      { field: 'Booking value', before: null, after: 540 },
    ]);
    expect(auditChanges(null, null)).toEqual([]);
    expect(auditChanges(null, { paused: true })).toEqual([{ field: 'Paused', before: null, after: true }]);
  });
});
