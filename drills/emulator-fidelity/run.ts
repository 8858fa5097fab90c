import { selectedCandidates } from '../../localstack/processes/emulators/selection.ts';
import type { RunContext } from '../kit/context.ts';
import { runFidelityProbe } from './fidelity/probe.ts';
import { drillJson, renderMarkdown } from './fidelity/report.ts';

/**
 * The same semantic checks against every candidate emulator (full) or only the ones the local cloud runs
 * (quick: does the chosen stack still have the semantics the pipeline rests on?).
 */
export async function run(ctx: RunContext) {
  const probe = await runFidelityProbe({
    ...(ctx.quick ? { candidates: selectedCandidates().map((c) => c.name) } : {}),
    onProgress: ctx.log,
  });
  const report = drillJson(probe);
  return {
    report,
    readable: {
      title: 'Bench: emulator fidelity',
      summary: ctx.quick
        ? 'Quick mode: only the emulators the local cloud runs.'
        : 'Every candidate emulator, the same checks; ★ marks the checks our guarantees rest on.',
      sections: [{ heading: 'Results', body: renderMarkdown(probe) }],
    },
  };
}
