import { describe, expect, it } from 'vitest';
import { silentContext } from './context.ts';
import { DrillParamError, drillParams, parseParams } from './params.ts';

const withParams = (params: Record<string, string>) => ({ ...silentContext(false), params });

describe('drill parameters', () => {
  it('reads name=value pairs, the last of a repeated name winning, and refuses a pair without a name', () => {
    expect(parseParams(['rate=15', 'seed=7', 'rate=12'])).toEqual({ rate: '12', seed: '7' });
    expect(() => parseParams(['15'])).toThrow(DrillParamError);
  });

  it('gives the declared numbers and undefined for the ones not given', () => {
    const params = drillParams(withParams({ rate: '15' }), { rate: 'orders/s', seed: 'schedule' });
    expect(params.number('rate')).toBe(15);
    expect(params.number('seed')).toBeUndefined();
  });

  it('refuses a name the drill does not take, listing the ones it does, and a value that is not a number', () => {
    expect(() => drillParams(withParams({ rat: '15' }), { rate: 'orders/s' })).toThrow(
      /unknown --param rat.*rate/,
    );
    expect(() => drillParams(withParams({ rate: 'fast' }), { rate: 'orders/s' }).number('rate')).toThrow(
      /positive number/,
    );
  });

  it('reads a comma-separated list of numbers, and refuses one that is not all positive numbers', () => {
    const params = (raw: string) => drillParams(withParams({ rates: raw }), { rates: 'orders/s' });
    expect(params('50, 200').numbers('rates')).toEqual([50, 200]);
    expect(() => params('50,,200').numbers('rates')).toThrow(/positive numbers separated by commas/);
    expect(() => params('50,fast').numbers('rates')).toThrow(DrillParamError);
  });
});

describe('list parameters', () => {
  it('splits on commas, trims and drops blanks, and is undefined when not given', () => {
    const params = drillParams(withParams({ modes: ' a, b ,,c' }), { modes: 'which', other: 'x' });
    expect(params.list('modes')).toEqual(['a', 'b', 'c']);
    expect(params.list('other')).toBeUndefined();
  });

  it('refuses a list that names nothing', () => {
    expect(() => drillParams(withParams({ modes: ' , ' }), { modes: 'which' }).list('modes')).toThrow(
      /at least one/,
    );
  });
});
