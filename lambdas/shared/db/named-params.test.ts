import { describe, expect, it } from 'vitest';
import { MissingParameterError, toPositional } from './named-params.ts';

describe('toPositional', () => {
  it('numbers parameters in order of first use and reuses a repeated name', () => {
    const out = toPositional('SELECT :b, :a, :b', { a: 1, b: 'x' });
    expect(out).toEqual({ text: 'SELECT $1, $2, $1', values: ['x', 1] });
  });

  it('leaves ::casts and quoted literals alone', () => {
    const out = toPositional("SELECT :id::uuid, ':notparam', 'it''s :x'", { id: 'u' });
    expect(out).toEqual({ text: "SELECT $1::uuid, ':notparam', 'it''s :x'", values: ['u'] });
  });

  it('refuses a parameter with no value', () => {
    expect(() => toPositional('SELECT :missing', {})).toThrow(MissingParameterError);
  });
});
