/**
 * A consumer's view of its dependencies' health, one per container. Pure state: the caller passes the time.
 *
 * - closed: every message is tried. Dependency failures of `threshold` different messages, with no success between
 *   them, open it (one order failing again and again is that order; several failing with nothing succeeding is an
 *   outage).
 * - open: no message is tried. The batch is handed back with a long visibility timeout, so an outage costs one
 *   receive per message per backoff step instead of a receive per attempt.
 * - after `openMs`, one message is let through as a probe (half-open): a success closes the breaker, a dependency
 *   failure opens it again for twice as long, up to `maxOpenMs`.
 *
 * It also answers "are the dependencies healthy?": a failure while others succeed is the message's own fault
 * (a poison order the gateway always refuses), not an outage, and spends the message's retry budget.
 */
export interface BreakerSettings {
  /** Dependency failures in a row that open the breaker. Default 3. */
  threshold: number;
  /** First open period. Default 5 s. */
  openMs: number;
  /** Longest open period. Default 60 s. */
  maxOpenMs: number;
  /** A success within this window is evidence the dependencies are up. Default 60 s. */
  healthyWindowMs: number;
}

export const defaultBreakerSettings: BreakerSettings = {
  threshold: 3,
  openMs: 5_000,
  maxOpenMs: 60_000,
  healthyWindowMs: 60_000,
};

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  /** Messages that failed on a dependency since the last success: an outage fails many, a poison order one. */
  private readonly failingMessages = new Set<string>();
  private openUntil = 0;
  private currentOpenMs: number;
  private probing = false;
  private lastSuccessAt = Number.NEGATIVE_INFINITY;
  /** When the breaker last opened (undefined while closed): the start of the outage as this container saw it. */
  openedAt: number | undefined;
  /** The last dependency failure's description, for logs and metrics. */
  lastFailure: string | undefined;

  constructor(private readonly settings: BreakerSettings = defaultBreakerSettings) {
    this.currentOpenMs = settings.openMs;
  }

  state(now: number): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return now < this.openUntil ? 'open' : 'half-open';
  }

  /** May a message be tried now? In half-open, only one at a time (the probe). */
  allow(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Milliseconds until the next probe may run (0 when closed or due). */
  msUntilProbe(now: number): number {
    return this.state(now) === 'open' ? this.openUntil - now : 0;
  }

  recordSuccess(now: number): void {
    this.failingMessages.clear();
    this.lastSuccessAt = now;
    this.openedAt = undefined;
    this.probing = false;
    this.currentOpenMs = this.settings.openMs;
  }

  /**
   * A message handled without touching the dependencies (a duplicate answered from its idempotency record): no
   * evidence either way. A duplicate that went through as the probe frees the probe slot and leaves the state as is.
   */
  recordNeutral(): void {
    this.probing = false;
  }

  /** A dependency failure of message `messageId` (not a message failure, which says nothing about health). */
  recordDependencyFailure(now: number, description: string, messageId: string): void {
    this.lastFailure = description;
    this.failingMessages.add(messageId);
    const wasProbe = this.probing;
    this.probing = false;
    if (wasProbe) {
      this.currentOpenMs = Math.min(this.settings.maxOpenMs, this.currentOpenMs * 2);
      this.openUntil = now + this.currentOpenMs;
    } else if (this.openedAt === undefined && this.failingMessages.size >= this.settings.threshold) {
      this.openedAt = now;
      this.openUntil = now + this.currentOpenMs;
    }
  }

  /**
   * Positive evidence the dependencies work for everyone but `messageId`: closed, something succeeded recently, and
   * no other message has failed on a dependency since. Without it (a cold container, nothing succeeded for a
   * while, or other messages failing too — the start of an outage) a dependency failure is taken as an outage. A
   * poison order the gateway refuses while it served the rest fails alone, so it spends its own attempts.
   */
  healthy(now: number, messageId: string): boolean {
    return (
      this.openedAt === undefined &&
      [...this.failingMessages].every((id) => id === messageId) &&
      now - this.lastSuccessAt <= this.settings.healthyWindowMs
    );
  }
}
