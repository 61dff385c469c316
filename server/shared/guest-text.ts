/** The most of a guest's message that is read by any parser, matcher or model (the stored original may be longer). */
export const MAX_GUEST_CHARS = 2000;

/** The part of a guest's text that parsing may see: cut to the guest limit before anything else touches it. */
export function boundGuestText(text: string): string {
  return text.length > MAX_GUEST_CHARS ? text.slice(0, MAX_GUEST_CHARS) : text;
}
