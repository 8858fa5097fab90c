import { describe, expect, it } from 'vitest';
import { resourcesOf } from '../lib/template.ts';
import { holdlineTemplateJson } from './template.ts';

// The synth cache the other tests read through: a leak or a wrong key here would make their assertions lie.
describe('holdlineTemplateJson (one synth per context per worker)', () => {
  it('hands out a copy each call: changing one leaves the next untouched', () => {
    const first = holdlineTemplateJson();
    const [id] = resourcesOf(first)[0]!;
    delete first.Resources?.[id];
    expect(first.Resources).not.toHaveProperty(id);
    expect(holdlineTemplateJson().Resources).toHaveProperty(id);
  });

  it('keeps contexts apart, whatever order their switches are written in', () => {
    const aurora = holdlineTemplateJson({ database: 'aurora', cdc: 'dms' });
    expect(aurora).not.toEqual(holdlineTemplateJson());
    expect(holdlineTemplateJson({ cdc: 'dms', database: 'aurora' })).toEqual(aurora);
  });
});
