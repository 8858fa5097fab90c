import { describe, expect, it } from 'vitest';
import { holdlineTemplate, resourcesOf } from './template.ts';

// Crash points (lambdas/shared/crash-points.ts) fire only when BOTH variables are set; the local runtime sets
// them, the CDK app must never: then a deployed function cannot be made to crash on purpose by accident.
describe('crash points in the deployable template', () => {
  it('cannot be armed: no function has HOLDLINE_CRASH_POINTS or HOLDLINE_LOCAL_RUNTIME', () => {
    for (const context of [{}, { database: 'aurora' }, { cdc: 'dms' }]) {
      const functions = Object.entries(resourcesOf(holdlineTemplate(context), 'AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThan(0);
      for (const [id, fn] of functions) {
        const variables = Object.keys(fn.Properties.Environment?.Variables ?? {});
        expect(variables, id).not.toContain('HOLDLINE_CRASH_POINTS');
        expect(variables, id).not.toContain('HOLDLINE_LOCAL_RUNTIME');
        expect(variables, id).not.toContain('HOLDLINE_CRASH_STATE_DIR');
      }
    }
  });
});
