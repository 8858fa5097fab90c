import { freePort } from '../../lib/process.ts';
import type { StartedEmulator } from './candidates.ts';
import { startGateway } from './gateway.ts';
import { candidateNamed, emulatorSelection, fallback, selectedCandidates } from './selection.ts';
import type { Service } from './services.ts';

export interface RunningEmulators {
  /** The single AWS endpoint (the gateway). */
  url: string;
  /** Which candidate serves which service. */
  selection: Record<Service, string>;
  pids(): number[];
  /** Process-group leader of one emulator by candidate name (`dynamodb-local` …), for drills that freeze it. */
  pidOf(name: string): number | undefined;
  stop(): Promise<void>;
}

/** Starts the selected emulators on free ports behind a gateway on `gatewayPort`; all or nothing. */
export async function startEmulators(
  gatewayPort: number,
  logPrefix = 'emulator',
  selection = emulatorSelection(),
): Promise<RunningEmulators> {
  const started = new Map<string, StartedEmulator>();
  const stopAll = async () => {
    await Promise.all([...started.values()].map((e) => e.stop().catch(() => {})));
  };
  try {
    const results = await Promise.allSettled(
      selectedCandidates(selection).map(async (candidate) => {
        const emulator = await candidate.start(await freePort(), {
          advertisedPort: gatewayPort,
          logName: `${logPrefix}-${candidate.name}`,
        });
        started.set(candidate.name, emulator);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const urlOf = (name: string) => started.get(name)!.url;
    const backends = Object.fromEntries(
      Object.entries(selection).map(([service, name]) => [service, urlOf(name)]),
    );
    const gateway = await startGateway(gatewayPort, backends, urlOf(candidateNamed(fallback).name));
    return {
      url: gateway.url,
      selection,
      pids: () => [...started.values()].flatMap((e) => (e.pid ? [e.pid] : [])),
      pidOf: (name) => started.get(name)?.pid,
      stop: async () => {
        await gateway.close();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
