import { describe, expect, it } from 'vitest';
import { analyseClaims, checkOrder } from './run.ts';

const ev = (eventId: string, aggregateId: string, sequence: number) => ({
  eventId,
  aggregateId,
  sequence,
  partitionKey: aggregateId,
});

describe('relay-replicas checks', () => {
  it('counts an event committed by two claims as published twice in one pass', () => {
    const out = analyseClaims([
      { replica: 'r0-1', claim: 1, kind: 'claimed', ids: ['e1'] },
      { replica: 'r1-1', claim: 1, kind: 'claimed', ids: ['e1'] },
      { replica: 'r0-1', claim: 1, kind: 'committed', ids: ['e1'] },
      { replica: 'r1-1', claim: 1, kind: 'committed', ids: ['e1'] },
    ]);
    expect(out.publishedTwiceInSamePass).toBe(1);
  });

  it('does not count a re-claim after a replica died before committing', () => {
    const out = analyseClaims([
      { replica: 'r0-1', claim: 1, kind: 'claimed', ids: ['e1'] },
      { replica: 'r1-1', claim: 3, kind: 'claimed', ids: ['e1'] },
      { replica: 'r1-1', claim: 3, kind: 'committed', ids: ['e1'] },
    ]);
    expect(out).toMatchObject({ publishedTwiceInSamePass: 0, abandonedClaims: 1, reclaimedAfterCrash: 1 });
  });

  it('ignores duplicate deliveries but flags a sequence that goes backwards after dedupe', () => {
    expect(
      checkOrder([ev('a1', 'a', 1), ev('a2', 'a', 2), ev('a1', 'a', 1), ev('a3', 'a', 3)]),
    ).toMatchObject({
      duplicates: 1,
      orderViolations: 0,
      gaps: 0,
    });
    expect(checkOrder([ev('a2', 'a', 2), ev('a1', 'a', 1)])).toMatchObject({ orderViolations: 1, gaps: 1 });
  });
});
