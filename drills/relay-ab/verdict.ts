import { round } from '../kit/stats.ts';
import type { Arm } from './arm.ts';

/** Goal: CDC p50 at most this fraction of the polling relay's p50. */
export const goalFactor = 0.2;

/** Passes when CDC meets the goal against polling and both arms delivered every order. */
export function verdict(cdc: Pick<Arm, 'p50Ms' | 'delivered' | 'orders'>, polling: typeof cdc) {
  const goal = round(goalFactor * polling.p50Ms);
  const goalMet = cdc.p50Ms <= goal;
  const allDelivered = cdc.delivered === cdc.orders && polling.delivered === polling.orders;
  return { goal, goalMet, passed: goalMet && allDelivered };
}
