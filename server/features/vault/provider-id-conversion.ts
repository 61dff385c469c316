import type { InboundQueueRepository } from '../inbound/inbound-queue.repository.js';
import type { PropertyScope } from '../properties/property.service.js';
import { ProviderIdConversionRepository } from './provider-id-conversion.repository.js';

const CONVERSION = 'provider-ids-hashed';

/**
 * The data migration behind property migration 0013 and group migration 0005: provider message
 * ids, email Message-IDs and email thread keys stored in plaintext before they were hashed become
 * keyed hashes (provider-ids.ts), and email conversations are re-keyed to match, so a guest's reply
 * to an old thread still finds it. Runs once per hotel (recorded in data_conversions); afterwards
 * the WAL is checkpointed so no copy of an old value stays in it.
 */
export function hashStoredProviderIds(
  scope: Pick<PropertyScope, 'transaction' | 'checkpoint' | 'blindIndex' | 'property'>,
  inboundQueue: Pick<InboundQueueRepository, 'hashStoredExternalIds'>,
  at: string,
): { rows: number } {
  const repo = new ProviderIdConversionRepository(scope);
  let rows = 0;
  if (!repo.done(CONVERSION)) {
    rows += repo.hashAll(scope.blindIndex, CONVERSION, at);
    scope.checkpoint();
  }
  rows += inboundQueue.hashStoredExternalIds(scope.property.id, scope.blindIndex, `${CONVERSION}:${scope.property.id}`, at);
  return { rows };
}
