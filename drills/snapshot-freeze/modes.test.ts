import { describe, expect, it } from 'vitest';
import { DrillParamError } from '../kit/params.ts';
import { MODES, QUICK_MODES, selectModes } from './modes.ts';

describe('selectModes', () => {
  it('runs quick mode on its two modes and a full run on every mode, read-only incremental included', () => {
    expect(selectModes(true, undefined).map((m) => m.name)).toEqual([...QUICK_MODES]);
    expect(selectModes(false, undefined)).toEqual(MODES);
    expect(MODES.map((m) => m.name)).toContain('incremental-read-only');
  });

  it('runs exactly the modes asked for, in their order', () => {
    expect(selectModes(false, ['incremental-read-only', 'initial-none']).map((m) => m.name)).toEqual([
      'incremental-read-only',
      'initial-none',
    ]);
  });

  it('refuses a mode it does not know, naming the known ones', () => {
    expect(() => selectModes(false, ['incremental-ro'])).toThrow(DrillParamError);
    expect(() => selectModes(false, ['incremental-ro'])).toThrow(/incremental-read-only/);
  });
});
