/**
 * A stored inbox delivery → its fact. The inbox keeps the raw body text exactly as signed; this is
 * the one place that parses it again for processing.
 */
import { ignored, type InboundFact } from './inbound-fact.ts';
import { mapGiteaDelivery } from './gitea-delivery.ts';
import { mapPlaneDelivery } from './plane-delivery.ts';

/** The parts of an inbox row the mapping needs. */
export interface StoredDelivery {
  readonly source: string;
  readonly event: string;
  /** The raw body text as received. */
  readonly payload: string;
}

/** Map a stored delivery to its normalized fact. Never throws. */
export function mapStoredDelivery(delivery: StoredDelivery): InboundFact {
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.payload);
  } catch {
    return ignored('stored payload is not valid JSON');
  }
  if (delivery.source === 'gitea') return mapGiteaDelivery(delivery.event, payload);
  if (delivery.source === 'plane') return mapPlaneDelivery(delivery.event, payload);
  return ignored(`unknown source "${delivery.source}"`);
}
