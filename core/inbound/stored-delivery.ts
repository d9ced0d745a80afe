/**
 * A stored inbox delivery → its fact. The inbox keeps the raw body text exactly as signed; this is
 * the one place that parses it again for processing.
 */
import { ignored, type DeliveryMapper, type InboundFact } from './inbound-fact.ts';

/** The parts of an inbox row the mapping needs. */
export interface StoredDelivery {
  readonly source: string;
  readonly event: string;
  /** The raw body text as received. */
  readonly payload: string;
}

/** Mappers by source that the composition root registers (a vendor's payload format stays in its adapter). */
export type DeliveryMappers = Readonly<Record<string, DeliveryMapper>>;

/** Map a stored delivery to its normalized fact with the source's registered mapper. Never throws. */
export function mapStoredDelivery(delivery: StoredDelivery, mappers: DeliveryMappers = {}): InboundFact {
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.payload);
  } catch {
    return ignored('stored payload is not valid JSON');
  }
  const registered = Object.hasOwn(mappers, delivery.source) ? mappers[delivery.source] : undefined;
  if (registered) return registered(delivery.event, payload);
  return ignored(`unknown source "${delivery.source}"`);
}
