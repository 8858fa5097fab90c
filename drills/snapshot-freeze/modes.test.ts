import { describe, expect, it } from 'vitest';
import { DrillParamError } from '../kit/params.ts';
import { BROKEN_MODES, MODES, QUICK_MODES, selectModes } from './modes.ts';

describe('selectModes', () => {
  it('runs quick mode on its two modes and a full run on every working mode, read-only incremental included', () => {
    expect(selectModes(true, undefined).map((m) => m.name)).toEqual([...QUICK_MODES]);
    const full = selectModes(false, undefined).map((m) => m.name);
    expect(full).toContain('incremental-read-only');
    expect(full).toEqual(MODES.map((m) => m.name).filter((n) => !BROKEN_MODES.includes(n)));
  });

  it('still runs a broken mode when it is named, to reproduce it', () => {
    expect(selectModes(false, ['incremental-read-only-file']).map((m) => m.name)).toEqual([
      'incremental-read-only-file',
    ]);
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
