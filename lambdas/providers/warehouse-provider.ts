import { postEffect } from '../consumers/effect-client.ts';
import { PROVIDER_TIMEOUT_MS, RESERVATIONS_PATH } from './contract.ts';

/** A hold on an order's items. */
export interface StockReservation {
  orderId: string;
  eventId: string;
  items: unknown;
}

/**
 * The warehouse, as the inventory consumer uses it. It honours an idempotency key: a repeat is a no-op there.
 * Errors: unreachable, 5xx or 408/429 is the warehouse being unavailable; any other 4xx is permanent.
 */
export interface WarehouseProvider {
  reserve(reservation: StockReservation, idempotencyKey: string): Promise<void>;
}

/** The warehouse over the HTTP contract (`POST /reservations` with an `Idempotency-Key`) at `baseUrl`. */
export function httpWarehouse(baseUrl: string, timeoutMs = PROVIDER_TIMEOUT_MS): WarehouseProvider {
  return {
    reserve: async (reservation, idempotencyKey) => {
      await postEffect(`${baseUrl}${RESERVATIONS_PATH}`, { ...reservation }, idempotencyKey, timeoutMs);
    },
  };
}
