import type { ConversationDetail } from '@contract/conversations';
import { fillPlaceholders, SavedReply, SavedReplyList, type NewSavedReply, type Placeholder, type UpdateSavedReply } from '@contract/saved-replies';
import { useMemo, useRef } from 'react';
import { useApi } from '../../api/api-context';
import { formatDay } from '../../shared/format';
import { useResource } from '../../shared/use-resource';

export type { SavedReply };

/**
 * The hotel's saved replies, shared by its team on the server: everyone inserts them (from the
 * picker, or `/shortcut` then Tab in the reply box), managers add, change and remove them.
 */
export interface SavedRepliesApi {
  list(propertyId: string, signal?: AbortSignal): Promise<SavedReply[]>;
  create(propertyId: string, input: NewSavedReply): Promise<SavedReply>;
  update(propertyId: string, id: string, patch: UpdateSavedReply): Promise<SavedReply>;
  remove(propertyId: string, id: string): Promise<void>;
}

export function useSavedRepliesApi(): SavedRepliesApi {
  const api = useApi();
  return useMemo(() => {
    const base = (propertyId: string) => `/properties/${encodeURIComponent(propertyId)}/saved-replies`;
    return {
      list: async (propertyId, signal) => (await api.get(base(propertyId), SavedReplyList, { signal })).items,
      create: (propertyId, input) => api.post(base(propertyId), input, SavedReply),
      update: (propertyId, id, patch) => api.patch(`${base(propertyId)}/${encodeURIComponent(id)}`, patch, SavedReply),
      remove: (propertyId, id) => api.delete(`${base(propertyId)}/${encodeURIComponent(id)}`),
    };
  }, [api]);
}

/** The hotel's saved replies, loaded with the reply box; `reload` after a change keeps showing the last list meanwhile. */
export function useSavedReplies(propertyId: string) {
  const api = useSavedRepliesApi();
  const [list, { reload }] = useResource((signal) => api.list(propertyId, signal), [api, propertyId]);
  const last = useRef<{ propertyId: string; replies: SavedReply[] }>({ propertyId, replies: [] });
  if (list.status === 'ready') last.current = { propertyId, replies: list.data };
  return { replies: last.current.propertyId === propertyId ? last.current.replies : [], reload };
}

/** What each placeholder becomes in this conversation; null where the guest has not said yet. */
export function placeholderValues(conversation: Pick<ConversationDetail, 'guest' | 'stay'>, hotelName: string): Record<Placeholder, string | null> {
  const stay = conversation.stay;
  return {
    guest_name: conversation.guest.name,
    hotel_name: hotelName,
    check_in: stay?.checkIn ? formatDay(stay.checkIn) : null,
    check_out: stay?.checkOut ? formatDay(stay.checkOut) : null,
    guests: stay?.guests ? String(stay.guests) : null,
  };
}

/**
 * Expands `/shortcut` just before the caret into the saved text, placeholders filled. Returns the
 * new value, caret position and the placeholders left to fill, or null when there is no known
 * shortcut there.
 */
export function expandShortcut(
  value: string,
  caret: number,
  replies: readonly SavedReply[],
  values: Partial<Record<Placeholder, string | null>>,
): { value: string; caret: number; missing: Placeholder[] } | null {
  const before = value.slice(0, caret);
  const match = /(^|\s)\/([a-z0-9-]+)$/i.exec(before);
  if (!match) return null;
  const reply = replies.find((r) => r.shortcut === match[2]!.toLowerCase());
  if (!reply) return null;
  const { text, missing } = fillPlaceholders(reply.text, values);
  const start = caret - match[2]!.length - 1;
  return { value: value.slice(0, start) + text + value.slice(caret), caret: start + text.length, missing };
}
