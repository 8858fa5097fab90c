import { describe, expect, it } from 'vitest';
import { evidence } from '../registry.ts';
import { compareResults, unacknowledged } from './compare.ts';
import { type Figure, judgedFigures } from './figures.ts';
import type { RecordedResult } from './results.ts';

function result(metrics: Record<string, unknown>, over: Partial<RecordedResult> = {}): RecordedResult {
  return {
    drill: 'write-path',
    passed: true,
    metrics,
    evidence: {},
    mode: 'full',
    date: '2026-12-06T00:00:00.000Z',
    durationSeconds: 1,
    commit: { sha: 'abc', dirty: false },
    machine: { cores: 2, memoryGiB: 8, cpu: 'cpu', os: 'Linux', loadAverage: [1, 1, 1] },
    title: 't',
    summary: '',
    sections: [],
    charts: [],
    files: [],
    ...over,
  };
}

const figures: Figure[] = [
  { metric: 'ratio', label: 'ratio', better: 'higher' },
  { metric: 'arms.bare.p99Ms', label: 'p99', better: 'lower', tolerance: 0.5 },
  { metric: 'lost', label: 'lost', better: 'lower', tolerance: 0 },
];

describe('compareResults', () => {
  it('reports nothing when every figure stayed within its tolerance', () => {
    const c = compareResults(result({ ratio: 0.8, other: 100 }), result({ ratio: 0.7, other: 119 }), figures);
    expect(c).toEqual({ drill: 'write-path', compared: true, moves: [] });
  });

  it('calls a fall of a higher-is-better figure beyond 20 % a regression', () => {
    const c = compareResults(result({ ratio: 0.8 }), result({ ratio: 0.6 }), figures);
    expect(c.compared && c.moves).toEqual([
      {
        metric: 'ratio',
        before: 0.8,
        after: 0.6,
        change: expect.closeTo(-0.25, 5),
        kind: 'regression',
        acknowledged: undefined,
      },
    ]);
  });

  it('calls a rise of a higher-is-better figure an improvement', () => {
    const c = compareResults(result({ ratio: 0.6 }), result({ ratio: 0.8 }), figures);
    expect(c.compared && c.moves.map((m) => m.kind)).toEqual(['improvement']);
  });

  it('uses a figure’s own tolerance on nested metrics', () => {
    const within = compareResults(
      result({ arms: { bare: { p99Ms: 100 } } }),
      result({ arms: { bare: { p99Ms: 140 } } }),
      figures,
    );
    const beyond = compareResults(
      result({ arms: { bare: { p99Ms: 100 } } }),
      result({ arms: { bare: { p99Ms: 160 } } }),
      figures,
    );
    expect(within.compared && within.moves).toEqual([]);
    expect(beyond.compared && beyond.moves.map((m) => [m.metric, m.kind])).toEqual([
      ['arms.bare.p99Ms', 'regression'],
    ]);
  });

  it('counts any move from zero of a zero-tolerance figure as a regression', () => {
    const c = compareResults(result({ lost: 0 }), result({ lost: 1 }), figures);
    expect(c.compared && c.moves).toMatchObject([
      { metric: 'lost', change: Number.POSITIVE_INFINITY, kind: 'regression' },
    ]);
  });

  it('reports an undeclared figure’s move without judging it', () => {
    const c = compareResults(result({ orders: 100 }), result({ orders: 300 }), figures);
    expect(c.compared && c.moves).toMatchObject([{ metric: 'orders', kind: 'moved' }]);
    expect(unacknowledged([c])).toEqual([]);
  });

  it('calls a verdict that turned to failed a regression', () => {
    const c = compareResults(result({}), result({}, { passed: false }), figures);
    expect(unacknowledged([c]).map((m) => m.metric)).toEqual(['passed']);
  });

  it('lets an acknowledged regression pass, with its reason', () => {
    const ack = [{ drill: 'write-path', metric: 'ratio', reason: 'a slower machine' }];
    const c = compareResults(result({ ratio: 0.8 }), result({ ratio: 0.6 }), figures, ack);
    expect(c.compared && c.moves[0]?.acknowledged).toBe('a slower machine');
    expect(unacknowledged([c])).toEqual([]);
  });

  it('does not compare a quick run with a full one, or with nothing', () => {
    expect(
      compareResults(result({ ratio: 0.8 }), result({ ratio: 0.1 }, { mode: 'quick' }), figures),
    ).toMatchObject({
      compared: false,
      why: 'committed run is full, this one quick',
    });
    expect(compareResults(undefined, result({ ratio: 0.1 }), figures)).toMatchObject({ compared: false });
  });
});

describe('the figures a drill declares beyond its headline', () => {
  it('judge fault-campaign going from 0 to 19 duplicate effects a regression, not a move', () => {
    const c = compareResults(
      result({ ordersStuck: 0, duplicateEffects: 0 }, { drill: 'fault-campaign' }),
      result({ ordersStuck: 0, duplicateEffects: 19 }, { drill: 'fault-campaign' }),
      judgedFigures(evidence['fault-campaign']),
    );
    expect(c.compared && c.moves.map((m) => [m.metric, m.kind])).toEqual([
      ['duplicateEffects', 'regression'],
    ]);
  });
});
