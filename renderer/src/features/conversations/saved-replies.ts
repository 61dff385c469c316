import { useCallback, useState } from 'react';
import { z } from 'zod';
import { readStored, writeStored } from '../../shared/local-store';

/**
 * Saved replies per hotel, kept on this desk (localStorage) until the server has an API for
 * them. A reply is inserted by typing `/` and its shortcut, then Tab, or from the list.
 */
export const SavedReply = z.object({ id: z.string(), shortcut: z.string(), text: z.string() });
export type SavedReply = z.infer<typeof SavedReply>;

const key = (propertyId: string) => `nocturn.savedReplies.${propertyId}`;

export const SHORTCUT_PATTERN = /^[a-z0-9][a-z0-9-]{0,23}$/;

export function normaliseShortcut(s: string): string {
  return s.trim().toLowerCase().replace(/^\/+/, '').replace(/\s+/g, '-');
}

export function readSavedReplies(propertyId: string): SavedReply[] {
  return readStored(key(propertyId), z.array(SavedReply), []);
}

export function useSavedReplies(propertyId: string): [SavedReply[], (next: SavedReply[]) => void] {
  const [replies, setReplies] = useState(() => readSavedReplies(propertyId));
  const [shownFor, setShownFor] = useState(propertyId);
  if (shownFor !== propertyId) {
    setShownFor(propertyId);
    setReplies(readSavedReplies(propertyId));
  }
  const save = useCallback(
    (next: SavedReply[]) => {
      writeStored(key(propertyId), next);
      setReplies(next);
    },
    [propertyId],
  );
  return [replies, save];
}

/**
 * Expands `/shortcut` just before the caret into the saved text. Returns the new value and caret
 * position, or null when there is no known shortcut there.
 */
export function expandShortcut(value: string, caret: number, replies: readonly SavedReply[]): { value: string; caret: number } | null {
  const before = value.slice(0, caret);
  const match = /(^|\s)\/([a-z0-9-]+)$/i.exec(before);
  if (!match) return null;
  const reply = replies.find((r) => r.shortcut === match[2]!.toLowerCase());
  if (!reply) return null;
  const start = caret - match[2]!.length - 1;
  const next = value.slice(0, start) + reply.text + value.slice(caret);
  return { value: next, caret: start + reply.text.length };
}
