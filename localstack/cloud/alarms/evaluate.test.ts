import { describe, expect, it } from 'vitest';
import { type AlarmRule, evaluateAlarm, type TreatMissingData } from './evaluate.ts';

/** The AWS documentation's example: 3 of 5, threshold 0 (X = 1 breaching, 0 = OK, - = missing). */
const rule = (treatMissingData: TreatMissingData): AlarmRule => ({
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  treatMissingData,
});
const parse = (s: string) => s.split(' ').map((c) => (c === '-' ? null : c === 'X' ? 1 : 0));

describe('evaluateAlarm reproduces the documented missing-data table (3 of 5)', () => {
  const table: Array<[string, Record<TreatMissingData, string>]> = [
    ['0 - X - X', { missing: 'OK', ignore: 'OK', breaching: 'ALARM', notBreaching: 'OK' }],
    ['0 0 X 0 X', { missing: 'OK', ignore: 'OK', breaching: 'OK', notBreaching: 'OK' }],
    ['0 - - - -', { missing: 'OK', ignore: 'OK', breaching: 'ALARM', notBreaching: 'OK' }],
    ['- - - - -', { missing: 'INSUFFICIENT_DATA', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'OK' }],
    ['0 X X - X', { missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'ALARM' }],
    ['- - X - -', { missing: 'ALARM', ignore: 'ALARM', breaching: 'ALARM', notBreaching: 'OK' }],
  ];
  for (const [points, expected] of table)
    for (const [treat, state] of Object.entries(expected))
      it(`${points} with ${treat} → ${state}`, () => {
        // "ignore" keeps the current state; start from ALARM so keeping it is visible.
        expect(evaluateAlarm(rule(treat as TreatMissingData), parse(points), 'ALARM').state).toBe(state);
      });
});

describe('evaluateAlarm', () => {
  it('needs M breaching periods, not just one, with M of N', () => {
    const r = { ...rule('notBreaching'), evaluationPeriods: 3, datapointsToAlarm: 2 };
    expect(evaluateAlarm(r, [0, 0, 5], 'OK').state).toBe('OK');
    expect(evaluateAlarm(r, [5, 0, 5], 'OK').state).toBe('ALARM');
  });
  it('only looks at the last N periods', () => {
    const r = { ...rule('notBreaching'), evaluationPeriods: 2, datapointsToAlarm: 2 };
    expect(evaluateAlarm(r, [5, 5, 0, 0], 'ALARM').state).toBe('OK');
  });
  it('honours LessThan operators (time-to-cap)', () => {
    const r: AlarmRule = {
      threshold: 14_400,
      comparisonOperator: 'LessThanThreshold',
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
    };
    expect(evaluateAlarm(r, [120], 'OK').state).toBe('ALARM');
    expect(evaluateAlarm(r, [604_800], 'ALARM').state).toBe('OK');
  });
  it('treats a short history as missing periods at the start', () => {
    expect(evaluateAlarm(rule('missing'), [1], 'INSUFFICIENT_DATA').state).toBe('ALARM');
  });
  it('says why, with the periods it saw', () => {
    expect(evaluateAlarm(rule('missing'), parse('0 - X - X'), 'OK').reason).toContain('[0 - X - X]');
  });
});
