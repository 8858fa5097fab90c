import { type Candidate, candidates } from './candidates.ts';
import type { Service } from './services.ts';

/**
 * Which emulator serves which service, chosen by the fidelity probe (`npm run bench -- emulator-fidelity`);
 * the README carries the measured table. Anything not listed (CloudWatch, SNS, Secrets Manager …) goes to moto.
 */
export const selection: Record<Service, string> = {
  // The only candidate passing every critical FIFO check: dedup survives delete, in-flight heads block their
  // group, a receive may return several messages of one group. moto forgets dedup ids after delete.
  sqs: 'elasticmq',
  // AWS-shaped sequence numbers and the SDK's default transport; moto refuses the Node SDK's HTTP/2.
  kinesis: 'kinesis-local',
  // Passes all checks incl. ReturnValuesOnConditionCheckFailure (Powertools) and real TTL deletion.
  dynamodb: 'dynamodb-local',
  sns: 'moto',
  cloudwatch: 'moto',
};

export const fallback = 'moto';

export function candidateNamed(name: string): Candidate {
  const found = candidates.find((c) => c.name === name);
  if (!found) throw new Error(`no emulator candidate named ${name}`);
  return found;
}

/** The distinct emulators the local cloud runs. */
export function selectedCandidates(): Candidate[] {
  const names = new Set([...Object.values(selection), fallback]);
  return [...names].map(candidateNamed);
}
