import type { LeadStatus } from '@contract/conversations';

export const LEAD_STATUS_LABEL: Record<LeadStatus, string> = { new: 'New', contacted: 'Contacted', converted: 'Converted', lost: 'Lost' };

/** Where a lead may go next (server/features/conversations/conversation-state.ts). */
export const NEXT_STATUS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'converted', 'lost'],
  contacted: ['converted', 'lost'],
  lost: ['contacted'],
  converted: [],
};
