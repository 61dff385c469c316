import { z } from 'zod';

/** What a saved reply's `{placeholder}` is filled with, from the conversation it is inserted into. */
export const PLACEHOLDERS = {
  guest_name: "the guest's name",
  hotel_name: "the hotel's name",
  check_in: 'the arrival date',
  check_out: 'the departure date',
  guests: 'the number of guests',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

export const SHORTCUT_PATTERN = /^[a-z0-9][a-z0-9-]{0,23}$/;
/** "/Late Check-out " -> "late-check-out": what staff type after the slash. */
export function normaliseShortcut(s: string): string {
  return s.trim().toLowerCase().replace(/^\/+/, '').replace(/\s+/g, '-');
}

const Shortcut = z
  .string()
  .max(40)
  .transform(normaliseShortcut)
  .pipe(z.string().regex(SHORTCUT_PATTERN, 'letters, digits and dashes, up to 24 characters'));
const ReplyText = z.string().trim().min(1, 'write the reply').max(4000);

export const SavedReply = z.object({ id: z.string(), shortcut: z.string(), text: z.string(), updatedAt: z.string() });
export type SavedReply = z.infer<typeof SavedReply>;
export const SavedReplyList = z.object({ items: z.array(SavedReply) });
export const NewSavedReply = z.object({ shortcut: Shortcut, text: ReplyText }).strict();
export type NewSavedReply = z.input<typeof NewSavedReply>;
export const UpdateSavedReply = NewSavedReply.partial().strict();
export type UpdateSavedReply = z.input<typeof UpdateSavedReply>;

// Linear: one pass over the text, names from a fixed list.
const PLACEHOLDER = /\{(guest_name|hotel_name|check_in|check_out|guests)\}/g;

/**
 * A saved reply with its placeholders filled from the conversation. A placeholder with no value
 * (no name or dates given yet) stays as written, for the person to fill in; `missing` names them.
 */
export function fillPlaceholders(text: string, values: Partial<Record<Placeholder, string | null>>): { text: string; missing: Placeholder[] } {
  const missing = new Set<Placeholder>();
  const filled = text.replace(PLACEHOLDER, (whole, name: Placeholder) => {
    const value = values[name];
    if (value) return value;
    missing.add(name);
    return whole;
  });
  return { text: filled, missing: [...missing] };
}
