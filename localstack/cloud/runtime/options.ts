import type { Message } from '@aws-sdk/client-sqs';
import type { AwsAccess } from '../../../lambdas/shared/aws-access.ts';
import type { CfnTemplate, Provisioned } from '../provision/index.ts';
import type { FunctionSpec } from './functions.ts';
import type { InvokeResult } from './invoke-result.ts';
import type { MappingStats } from './mapping-stats.ts';
import type { FunctionStats } from './pool.ts';
import type { ScheduleStats } from './scheduler.ts';

export interface RuntimeOptions {
  template: CfnTemplate;
  provisioned: Provisioned;
  /** The cloud the functions and the pollers talk to; the functions get it as AWS_ENDPOINT_URL etc. at start-up. */
  access: AwsAccess;
  /** Overlaid on each function's template environment: stand-in URLs, ... */
  localEnv: Record<string, string>;
  /** Overlaid per function, under `localEnv`: what differs by function, such as its database login's URL. */
  localEnvOf?: (fn: FunctionSpec) => Record<string, string>;
  /** Where Kinesis checkpoints persist (`kinesis-checkpoints.json`). */
  stateDir: string;
  /** Where `lambda-<LogicalId>.log` (worker output) and `lambda-runtime.log` (pollers, schedules) go. */
  logDir: string;
  /** Schedule logical id → interval in ms, replacing the template's rate locally. Default: none. */
  scheduleOverrides?: Record<string, number>;
  /** Base for `holdline:entry` paths and the workers' cwd. Default: the repository root. */
  rootDir?: string;
  /**
   * Containers per function when the template sets no ReservedConcurrentExecutions. Default 2. Lambda gives a
   * function up to the account's concurrency, but this machine's two cores are the limit here: 8 lowered every
   * applied rate and made the order writes fail for Postgres connections (drills/cdc-latency/README.md).
   */
  defaultConcurrency?: number;
  /** Receive loops per standard-queue SQS mapping always running. Default 2 (FIFO: sqsPollersFifo). */
  sqsPollers?: number;
  /**
   * Most receive loops per SQS mapping. As Lambda adds concurrent batches while a queue has a backlog (for FIFO,
   * one per active message group), a loop whose receive came back full starts another, at most one every
   * `sqsScaleUpMs`; an added loop ends on its first empty receive. ScalingConfig.MaximumConcurrency caps it.
   * Default: the loops that always run, so no scaling. On two cores more loops and containers lowered every
   * applied rate (drills/cdc-latency/README.md).
   */
  sqsMaxPollers?: number;
  /** Least time between two added receive loops of one mapping. Default 250 ms. */
  sqsScaleUpMs?: number;
  /**
   * Receive loops per FIFO mapping always running. Default 2. The SQS emulator is ElasticMQ, which never hands
   * out a message of a group with one in flight (emulator-fidelity), so concurrent receives keep per-group order,
   * as Lambda's FIFO scaling does across groups. Set 1 against an SQS whose group locks race (moto).
   */
  sqsPollersFifo?: number;
  /**
   * SQS long-poll WaitTimeSeconds. Default 2 (stop() waits at most this long for a receive). Against moto, a long
   * poll on a FIFO queue whose visible messages all sit in locked groups busy-waits a CPU core for the whole wait;
   * 0 switches to short polls with a 200 ms pause when empty.
   */
  sqsWaitTimeSeconds?: number;
  /** Pause after an empty GetRecords. Default 250 ms (AWS polls each shard about once a second). */
  kinesisIdlePollMs?: number;
  /** Limit for a worker to import its entry module. Default 10 000 ms (Lambda's init limit; past it, the init is
   *  retried at the invocation within the function timeout, as Lambda does). */
  initTimeoutMs?: number;
  /** How long stop() waits for in-flight invocations before killing workers. Default 5 000 ms. */
  stopGraceMs?: number;
  /**
   * Told of every message an SQS mapping received, before the function is invoked with it (benches time the
   * queue hop from the message's SentTimestamp without taking messages from the consumers). Must not throw.
   */
  onSqsReceive?: SqsReceiveObserver;
}

/** A mapping's queue URL, the messages one receive returned, and when (wall-clock ms). */
export type SqsReceiveObserver = (queueUrl: string, messages: readonly Message[], receivedAt: number) => void;

export interface RuntimeStats {
  functions: Record<string, FunctionStats>;
  mappings: Record<string, MappingStats>;
  schedules: Record<string, ScheduleStats>;
}

export interface Runtime {
  /** Logical ids of the functions the runtime runs. */
  readonly functions: readonly string[];
  /** What the runtime does not do for this template (unsupported settings, functions without entry, ...). */
  readonly warnings: readonly string[];
  /** Invokes a function directly (RequestResponse), by logical id or function name. */
  invoke(functionId: string, event: unknown): Promise<InvokeResult>;
  stats(): RuntimeStats;
  /** Starts or stops an event-source mapping's pollers, like UpdateEventSourceMapping's Enabled. */
  setMappingEnabled(mappingId: string, enabled: boolean): Promise<void>;
  /** Pids of live worker processes. */
  workerPids(): number[];
  /** SIGKILLs every live worker of one function (logical id or name), as a crashed host would; returns their pids. */
  killWorkers(functionId: string): number[];
  /** Stops schedules and pollers, waits for in-flight invocations (bounded), kills every worker. */
  stop(): Promise<void>;
}

/** What the runtime does when an option is not given; the options' comments say why. */
export const runtimeDefaults = {
  defaultConcurrency: 2,
  sqsPollers: 2,
  sqsPollersFifo: 2,
  sqsScaleUpMs: 250,
  sqsWaitTimeSeconds: 2,
  kinesisIdlePollMs: 250,
  initTimeoutMs: 10_000,
  stopGraceMs: 5000,
} as const satisfies Partial<Record<keyof RuntimeOptions, number>>;

export const knownOptions = [
  'template',
  'provisioned',
  'access',
  'localEnv',
  'localEnvOf',
  'stateDir',
  'logDir',
  'scheduleOverrides',
  'rootDir',
  'defaultConcurrency',
  'sqsPollers',
  'sqsPollersFifo',
  'sqsMaxPollers',
  'sqsScaleUpMs',
  'sqsWaitTimeSeconds',
  'kinesisIdlePollMs',
  'initTimeoutMs',
  'stopGraceMs',
  'onSqsReceive',
] as const satisfies readonly (keyof RuntimeOptions)[];
