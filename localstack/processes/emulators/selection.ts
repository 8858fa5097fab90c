import { type Candidate, candidates } from './candidates.ts';
import type { Service } from './services.ts';

/**
 * Which emulator serves which service, chosen by the fidelity probe (`npm run bench -- emulator-fidelity`);
 * the README carries the measured table. Anything not listed (CloudWatch, SNS, Secrets Manager …) goes to moto.
 */
export const defaultSelection: Record<Service, string> = {
  // The only candidate passing every critical FIFO check: dedup survives delete, in-flight heads block their
  // group, a receive may return several messages of one group. moto forgets dedup ids after delete.
  sqs: 'elasticmq',
  // Per-shard write limits with Kinesis's per-record throttling errors, ExplicitHashKey, resharding and the Java
  // SDK's CBOR, at a throughput the 200/s goal can be judged against; kinesis-local has none of the limits
  // and saturates first (emulator-fidelity and cdc-latency reports).
  kinesis: 'ferrokinesis',
  // Passes all checks incl. ReturnValuesOnConditionCheckFailure (Powertools) and real TTL deletion.
  dynamodb: 'dynamodb-local',
  sns: 'moto',
  cloudwatch: 'moto',
};

export const fallback = 'moto';

/** `HOLDLINE_KINESIS=kinesis-local` runs the other Kinesis candidate, e.g. to compare a figure. */
export const kinesisOverrideVariable = 'HOLDLINE_KINESIS';

export function candidateNamed(name: string): Candidate {
  const found = candidates.find((c) => c.name === name);
  if (!found) throw new Error(`no emulator candidate named ${name}`);
  return found;
}

/** The selection, with the Kinesis candidate the environment asks for; an unknown or unfit name is refused. */
export function emulatorSelection(env: NodeJS.ProcessEnv = process.env): Record<Service, string> {
  const kinesis = env[kinesisOverrideVariable];
  if (!kinesis) return defaultSelection;
  const fit = candidates.filter((c) => c.services.includes('kinesis')).map((c) => c.name);
  if (!fit.includes(kinesis))
    throw new Error(
      `${kinesisOverrideVariable}=${kinesis}: not a Kinesis emulator; one of ${fit.join(', ')}`,
    );
  return { ...defaultSelection, kinesis };
}

/** The distinct emulators the local cloud runs. */
export function selectedCandidates(selection = emulatorSelection()): Candidate[] {
  const names = new Set([...Object.values(selection), fallback]);
  return [...names].map(candidateNamed);
}

/** The Kinesis candidate the local cloud runs. */
export function selectedKinesis(selection = emulatorSelection()): Candidate {
  return candidateNamed(selection.kinesis);
}
