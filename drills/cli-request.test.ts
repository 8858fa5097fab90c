import { describe, expect, it } from 'vitest';
import { cliRequest, listing } from './cli-request.ts';
import { benches, drills } from './registry.ts';

describe('cliRequest', () => {
  it('answers `list` under both commands, as `npm run drill -- list` and `npm run bench -- list` pass it', () => {
    expect(cliRequest('drill', 'list')).toEqual({ action: 'list' });
    expect(cliRequest('bench', 'list')).toEqual({ action: 'list' });
  });

  it("keeps each command's own words to that command", () => {
    expect(cliRequest('drill', 'all')).toEqual({ action: 'all' });
    expect(cliRequest('drill', 'readme')).toEqual({ action: 'readme' });
    expect(cliRequest('bench', 'compare')).toEqual({ action: 'compare' });
    expect(cliRequest('drill', 'compare')).toEqual({ action: 'run', kind: 'drill', name: 'compare' });
    expect(cliRequest('bench', 'readme')).toEqual({ action: 'run', kind: 'bench', name: 'readme' });
  });

  it('runs every registered drill and bench by its name (no name is taken by a word)', () => {
    for (const name of Object.keys(drills))
      expect(cliRequest('drill', name)).toEqual({ action: 'run', kind: 'drill', name });
    for (const name of Object.keys(benches))
      expect(cliRequest('bench', name)).toEqual({ action: 'run', kind: 'bench', name });
  });
});

describe('listing', () => {
  it('names every drill and bench, or says there is none yet', () => {
    expect(listing(['a', 'b'], ['c'])).toEqual(['drills:  a, b', 'benches: c']);
    expect(listing([], [])).toEqual(['drills:  (none yet)', 'benches: (none yet)']);
  });
});
