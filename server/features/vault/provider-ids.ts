import type { BlindIndex } from './field-crypto.js';

/** Marks a stored provider id as a keyed hash, so converting old rows can run any number of times. */
const HASHED = /^h1:[A-Za-z0-9_-]{22}$/;
/** The widget's own ids (`widget:<session>:<client id>`): made by the guest's browser, naming no one, read back for the widget. */
const WIDGET = /^widget:ws_[A-Za-z0-9_-]{32}:[A-Za-z0-9_-]{8,64}$/;

/**
 * A provider's message id as stored: WhatsApp wamids (base64 that can decode to the guest's phone
 * number), email Message-IDs (the sender's domain) and the ids providers return for our sends are
 * kept only as a keyed hash (the hotel's blind index), enough to recognise a repeat and never
 * readable. Already-hashed values and widget ids are returned as they are.
 */
export function storedProviderId(blindIndex: Pick<BlindIndex, 'token'>, id: string): string {
  if (HASHED.test(id) || WIDGET.test(id)) return id;
  return `h1:${blindIndex.token('provider-id', id)}`;
}

export function isStoredProviderId(id: string): boolean {
  return HASHED.test(id) || WIDGET.test(id);
}
