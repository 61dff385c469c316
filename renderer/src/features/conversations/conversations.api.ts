import { ConversationDetail, ConversationNote, ConversationSummary, DeadLetter, Message, type Channel, type ConversationStatus } from '@contract/conversations';
import { useMemo } from 'react';
import { z } from 'zod';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';
import { inboxQueryString } from '../inbox/inbox-filters';

export const InboxPage = z.object({ items: z.array(ConversationSummary), unread: z.number().int(), needsHuman: z.number().int() });
export type InboxPage = z.infer<typeof InboxPage>;

export const RevealedContact = z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() });
export type RevealedContact = z.infer<typeof RevealedContact>;

const TakeOverResult = ConversationSummary.extend({ draft: z.string().nullable().optional() });


export interface InboxQuery {
  status?: readonly ConversationStatus[] | undefined;
  channel?: Channel | undefined;
  afterHours?: boolean | undefined;
  propertyId?: string | undefined;
  limit: number;
}

export interface ConversationsApi {
  inbox(query: InboxQuery, signal?: AbortSignal): Promise<InboxPage>;
  get(propertyId: string, id: string, signal?: AbortSignal): Promise<ConversationDetail>;
  reveal(propertyId: string, id: string): Promise<RevealedContact>;
  /** Returns the conversation and the AI's latest suggestion, offered as a draft. */
  takeOver(propertyId: string, id: string): Promise<{ conversation: ConversationSummary; draft: string | null }>;
  handBack(propertyId: string, id: string): Promise<ConversationSummary>;
  handOff(propertyId: string, id: string, reason?: string): Promise<ConversationSummary>;
  resolve(propertyId: string, id: string): Promise<ConversationSummary>;
  assign(propertyId: string, id: string, userId: string | null): Promise<ConversationSummary>;
  reply(propertyId: string, id: string, text: string): Promise<Message>;
  /** An internal note for the hotel's staff; never sent to the guest. */
  addNote(propertyId: string, id: string, text: string): Promise<ConversationNote>;
  /** A proactive message: held in quiet hours; refused to an opted-out guest unless `override` (audited). */
  followUp(propertyId: string, id: string, text: string, override: boolean): Promise<{ outboxId: string; status: 'pending' | 'held' }>;
  deadLetters(propertyId: string, signal?: AbortSignal): Promise<DeadLetter[]>;
  retry(propertyId: string, outboxId: string): Promise<void>;
}

export function conversationsApi(api: ApiClient): ConversationsApi {
  const hotel = (propertyId: string) => `/properties/${encodeURIComponent(propertyId)}`;
  const one = (propertyId: string, id: string) => `${hotel(propertyId)}/conversations/${encodeURIComponent(id)}`;
  return {
    inbox: (q, signal) => api.get(`/inbox?${inboxQueryString(q)}`, InboxPage, { signal }),
    get: (propertyId, id, signal) => api.get(one(propertyId, id), ConversationDetail, { signal }),
    reveal: (propertyId, id) => api.post(`${one(propertyId, id)}/reveal`, undefined, RevealedContact),
    takeOver: async (propertyId, id) => {
      const { draft, ...conversation } = await api.post(`${one(propertyId, id)}/take-over`, undefined, TakeOverResult);
      return { conversation, draft: draft ?? null };
    },
    handBack: (propertyId, id) => api.post(`${one(propertyId, id)}/hand-back`, undefined, ConversationSummary),
    handOff: (propertyId, id, reason) => api.post(`${one(propertyId, id)}/hand-off`, reason ? { reason } : {}, ConversationSummary),
    resolve: (propertyId, id) => api.post(`${one(propertyId, id)}/resolve`, undefined, ConversationSummary),
    assign: (propertyId, id, userId) => api.post(`${one(propertyId, id)}/assign`, { userId }, ConversationSummary),
    reply: (propertyId, id, text) => api.post(`${one(propertyId, id)}/messages`, { text }, Message),
    addNote: (propertyId, id, text) => api.post(`${one(propertyId, id)}/notes`, { text }, ConversationNote),
    followUp: (propertyId, id, text, override) =>
      api.post(`${one(propertyId, id)}/follow-up`, { text, override }, z.object({ outboxId: z.string(), status: z.enum(['pending', 'held']) })),
    deadLetters: async (propertyId, signal) => (await api.get(`${hotel(propertyId)}/outbox/dead-letters?limit=50`, z.object({ items: z.array(DeadLetter) }), { signal })).items,
    retry: (propertyId, outboxId) => api.postEmpty(`${hotel(propertyId)}/outbox/${encodeURIComponent(outboxId)}/retry`),
  };
}

export function useConversationsApi(): ConversationsApi {
  const api = useApi();
  return useMemo(() => conversationsApi(api), [api]);
}
