import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { awsAccessEnv } from '../../../lambdas/shared/aws-access.ts';
import { repoRoot } from '../../lib/paths.ts';
import { createClients } from '../provision/clients.ts';
import { assertKnownKeys } from '../provision/index.ts';
import { CheckpointStore } from './checkpoints.ts';
import { UnknownFunctionError, UnknownMappingError } from './errors.ts';
import { functionEnv } from './function-env.ts';
import { type FunctionSpec, readFunctions } from './functions.ts';
import { KinesisPoller } from './kinesis-poller.ts';
import { installedLambdaNode } from './lambda-node.ts';
import { emptyMappingStats, type MappingStats } from './mapping-stats.ts';
import { type MappingSpec, readMappings } from './mappings.ts';
import { knownOptions, type Runtime, type RuntimeOptions, runtimeDefaults } from './options.ts';
import { FunctionPool } from './pool.ts';
import { Scheduler } from './scheduler.ts';
import { readSchedules, scheduledEvent } from './schedules.ts';
import { SqsPoller } from './sqs-poller.ts';

interface Poller {
  start(): void;
  stop(): Promise<void>;
}

/** Starts the local Lambda runtime for a provisioned template: function pools, event-source pollers, schedules. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  assertKnownKeys('startRuntime', options, knownOptions);
  const { template, provisioned, logDir } = options;
  const rootDir = options.rootDir ?? repoRoot;
  const region = provisioned.pseudo.region;
  const stopGraceMs = options.stopGraceMs ?? runtimeDefaults.stopGraceMs;
  // Read everything from the template first: a config error then leaves no file, client or process open.
  const { functions, withoutEntry } = readFunctions(template, provisioned, rootDir);
  // Each function's workers run on the Node its Runtime names, as in Lambda; a missing install fails here.
  const runnable = functions.map((fn) => ({ fn, node: installedLambdaNode(fn.runtime) }));
  const { mappings, ignored } = readMappings(template, provisioned, functions);
  const { schedules, ignored: ignoredSchedules } = readSchedules(
    template,
    provisioned,
    functions,
    options.scheduleOverrides ?? {},
  );

  mkdirSync(logDir, { recursive: true });
  mkdirSync(options.stateDir, { recursive: true });
  const streams: WriteStream[] = [];
  const openLog = (name: string) => {
    const stream = createWriteStream(join(logDir, name), { flags: 'a' });
    streams.push(stream);
    return stream;
  };
  const runtimeLog = openLog('lambda-runtime.log');
  const log = (scope: string, line: string) =>
    runtimeLog.write(`${new Date().toISOString()}\t${scope}\t${line}\n`);
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    log('runtime', `warning: ${line}`);
  };
  for (const id of withoutEntry) warn(`${id}: no holdline:entry metadata; not runnable locally`);
  for (const line of [...ignored, ...ignoredSchedules]) warn(line);
  const pools = new Map<string, FunctionPool>();
  for (const { fn, node } of runnable) {
    const maxConcurrency = Math.max(
      1,
      fn.reservedConcurrency ?? options.defaultConcurrency ?? runtimeDefaults.defaultConcurrency,
    );
    // Every live container pipes its stdout and stderr into the function's log, each pipe with its listeners.
    const fnLog = openLog(`lambda-${fn.logicalId}.log`).setMaxListeners(10 + 2 * maxConcurrency);
    pools.set(
      fn.logicalId,
      new FunctionPool({
        fn,
        node,
        env: functionEnv(
          fn,
          { ...awsAccessEnv(options.access), ...options.localEnvOf?.(fn), ...options.localEnv },
          region,
          rootDir,
        ),
        cwd: rootDir,
        log: fnLog,
        initTimeoutMs: options.initTimeoutMs ?? runtimeDefaults.initTimeoutMs,
        maxConcurrency,
      }),
    );
  }
  const poolOf = (functionId: string): FunctionPool => {
    const fn = functions.find((f) => f.logicalId === functionId || f.name === functionId);
    const pool = fn && pools.get(fn.logicalId);
    if (!pool) throw new UnknownFunctionError(functionId);
    return pool;
  };

  const clients = createClients(options.access);
  const checkpoints = new CheckpointStore(join(options.stateDir, 'kinesis-checkpoints.json'));
  const pollers = new Map<string, Poller>();
  const mappingStats = new Map<string, MappingStats>();
  for (const mapping of mappings) {
    for (const setting of mapping.unsupported) warn(`${mapping.logicalId}: ${setting} not honoured locally`);
    const stats = emptyMappingStats(mapping.kind, mapping.enabled);
    mappingStats.set(mapping.logicalId, stats);
    pollers.set(mapping.logicalId, pollerFor(mapping, stats));
  }

  function pollerFor(mapping: MappingSpec, stats: MappingStats): Poller {
    const fn = functions.find((f) => f.logicalId === mapping.functionId) as FunctionSpec;
    const invoke = async (event: unknown) => poolOf(mapping.functionId).invoke(event);
    const mappingLog = (line: string) => log(mapping.logicalId, line);
    if (mapping.kind === 'sqs') {
      const wanted = mapping.fifo
        ? (options.sqsPollersFifo ?? runtimeDefaults.sqsPollersFifo)
        : (options.sqsPollers ?? runtimeDefaults.sqsPollers);
      const cap = mapping.maxConcurrency ?? Number.POSITIVE_INFINITY;
      return new SqsPoller({
        mapping,
        sqs: clients.sqs,
        region,
        invoke,
        pollers: Math.min(wanted, cap),
        maxPollers: Math.min(Math.max(wanted, options.sqsMaxPollers ?? wanted), cap),
        scaleUpMs: options.sqsScaleUpMs ?? runtimeDefaults.sqsScaleUpMs,
        waitTimeSeconds: options.sqsWaitTimeSeconds ?? runtimeDefaults.sqsWaitTimeSeconds,
        stats,
        log: mappingLog,
        onReceive: options.onSqsReceive,
      });
    }
    return new KinesisPoller({
      mapping,
      fn,
      region,
      clients,
      invoke,
      checkpoints,
      stats,
      idlePollMs: options.kinesisIdlePollMs ?? runtimeDefaults.kinesisIdlePollMs,
      log: mappingLog,
    });
  }

  for (const s of schedules) {
    const how = s.overridden ? 'scheduleOverrides' : 'template';
    log(s.logicalId, `${s.expression} → ${s.functionId} every ${s.intervalMs} ms (${how})`);
  }
  const scheduler = new Scheduler(schedules, async (spec) =>
    poolOf(spec.functionId).invoke(scheduledEvent(spec, region, provisioned.pseudo.accountId)),
  );

  for (const [id, poller] of pollers) if (mappingStats.get(id)?.enabled) poller.start();
  scheduler.start();
  log(
    'runtime',
    `started: ${functions.length} function(s), ${mappings.length} mapping(s), ${schedules.length} schedule(s)`,
  );

  let stopping: Promise<void> | undefined;
  return {
    functions: functions.map((f) => f.logicalId),
    warnings,
    invoke: async (functionId, event) => poolOf(functionId).invoke(event),
    stats: () => ({
      functions: Object.fromEntries([...pools].map(([id, pool]) => [id, pool.stats()])),
      mappings: Object.fromEntries([...mappingStats].map(([id, stats]) => [id, { ...stats }])),
      schedules: scheduler.stats(),
    }),
    async setMappingEnabled(mappingId, enabled) {
      const poller = pollers.get(mappingId);
      const stats = mappingStats.get(mappingId);
      if (!poller || !stats) throw new UnknownMappingError(mappingId);
      stats.enabled = enabled;
      if (enabled) poller.start();
      else await poller.stop();
    },
    workerPids: () => [...pools.values()].flatMap((pool) => pool.pids()),
    killWorkers(functionId) {
      const pids = poolOf(functionId).pids();
      // The container sees its process die: an in-flight invocation fails as Runtime.ExitError, the next cold-starts.
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      return pids;
    },
    stop() {
      stopping ??= (async () => {
        scheduler.stop();
        const pollersDone = Promise.all([...pollers.values()].map((p) => p.stop()));
        // unref'd: once the pollers are done, this timer must not keep the process alive for the rest of the grace.
        await Promise.race([pollersDone, sleep(stopGraceMs, undefined, { ref: false })]);
        await Promise.all([...pools.values()].map((pool) => pool.stop(stopGraceMs)));
        await pollersDone;
        clients.destroy();
        log('runtime', 'stopped');
        await Promise.all(streams.map((s) => new Promise((resolve) => s.end(resolve))));
      })();
      return stopping;
    },
  };
}
