import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputId } from '../../cdk/lib/outputs.ts';
import { AUTHORIZER_ENV } from '../../lambdas/authorizer/settings.ts';
import { ONCALL_TIME_SCALE_ENV } from '../../lambdas/oncall/gauge-window.ts';
import type { AwsAccess } from '../../lambdas/shared/aws-access.ts';
import { freePort } from '../lib/process.ts';
import { fallback } from '../processes/emulators/selection.ts';
import { type RunningEmulators, startEmulators } from '../processes/emulators/start.ts';
import { type DatabaseUrls, prepareDatabase } from '../processes/postgres/database.ts';
import { type PostgresServer, startPostgres } from '../processes/postgres/server.ts';
import { defaultPostgresSettings } from '../processes/postgres/settings.ts';
import { startTokenIssuer } from '../stand-ins/auth/issuer.ts';
import { type PaymentGateway, startPaymentGateway } from '../stand-ins/payment-gateway/server.ts';
import { type SideEffects, startSideEffects } from '../stand-ins/side-effects/server.ts';
import { ensureWebBuild } from '../stand-ins/web/build.ts';
import { startWeb } from '../stand-ins/web/server.ts';
import type { AlarmEvaluator } from './alarms/evaluator.ts';
import {
  DEFAULT_ALARM_TIME_SCALE,
  type LocalSlotGuardOptions,
  slotMonitorOverrides,
  startLocalSlotGuard,
} from './alarms/local-slot-guard.ts';
import { databaseEnvOf } from './database-logins.ts';
import { type DebeziumServer, startDebezium } from './debezium/index.ts';
import { MissingOutputError } from './errors.ts';
import { httpRoutes } from './http-api/routes.ts';
import { startHttpApi } from './http-api/server.ts';
import { localAppTemplate } from './local-template.ts';
import { type MariaDbSource, startMariaDbSource } from './mariadb-source.ts';
import { type AwsClients, createClients } from './provision/clients.ts';
import { type CfnTemplate, type Provisioned, provisionFromTemplate } from './provision/index.ts';
import { type Runtime, type SqsReceiveObserver, startRuntime } from './runtime/index.ts';

export interface Endpoints {
  /** The order API (the template's HTTP API, served locally). */
  api: string;
  /** One AWS-compatible endpoint for every service (also in `LocalCloud.aws`). */
  aws: string;
  /** The application role's URL; `postgresAdmin` is the owner's. */
  postgres: string;
  postgresAdmin: string;
  logs: string;
  /** The web UI (customer orders; `#/oncall` is the on-call panel), with the API's paths on the same origin. */
  web: string;
  /** The application's login to the local MariaDB (`mariadb://…`), when `mariadb` is on. */
  mariadb?: string;
}

export interface LocalCloudOptions {
  stateDir: string;
  logDir: string;
  /** 0 = any free port. */
  ports: { aws: number; postgres: number; api: number; web?: number };
  /** Use these instead of starting our own (LocalStack or real AWS; an existing Postgres). */
  external?: { aws?: AwsAccess | undefined; databaseUrl?: string | undefined };
  /** Wipe the local Postgres data first. */
  fresh?: boolean;
  /** Start Debezium Server (outbox → Kinesis, and the `orders` table's changes → Kinesis). Default true. */
  cdc?: boolean;
  /** Start the change-rules connector too (the rules' tables → `TableChanges`; cdk/lib/change-rules). Default
   *  false: a third JVM most drills do not need; `npm run demo` and `local:up` turn it on. */
  changeRules?: boolean;
  /**
   * Start a MariaDB of the cloud's own too, its `orders` captured by Debezium's MariaDB connector into the order
   * view's stream (`local:up --source mariadb`). Off by default: a server and a JVM most runs do not need.
   * `port` 0 = any free port.
   */
  mariadb?: { port: number };
  progress?: (line: string) => void;
  /** Extra variables for every function, over the defaults (drills: crash points, a short idempotency window,
   *  a short reconcile deadline). */
  localEnv?: Record<string, string>;
  /** Changes the synthesized template before anything is provisioned (drills: shorter timeouts, to run faster). */
  adjustTemplate?: (template: CfnTemplate) => void;
  /** Schedule logical id → interval in ms, replacing the template's rate() locally (logged as such); over the
   *  slot guard's own override of the slot monitor. */
  scheduleOverrides?: Record<string, number>;
  /** Slot monitor every few seconds, the template's alarms evaluated, AWS/SQS metrics published. `false`: off. */
  slotGuard?: LocalSlotGuardOptions | false;
  /** Told of every message a consumer mapping received (benches: the queue hop's timing). */
  onSqsReceive?: SqsReceiveObserver;
}

export interface LocalCloud {
  endpoints: Endpoints;
  /** Where and as whom to reach this cloud's AWS services: pass it, never set it in `process.env`. */
  aws: AwsAccess;
  /** SDK clients for this cloud, made on first use and destroyed by `stop`. */
  clients(): CloudClients;
  /** A stack output of this cloud's template (a queue URL, a table name), or a clear error. */
  output(id: OutputId): string;
  template: CfnTemplate;
  provisioned: Provisioned;
  runtime: Runtime;
  database: DatabaseUrls;
  /** The payment gateway stand-in the payment consumer charges (its request log is drill evidence). */
  paymentGateway: PaymentGateway;
  /** The inventory and notification stand-ins the other consumers call (their request log is drill evidence). */
  sideEffects: SideEffects;
  /** The outbox connector, when `cdc` is on: drills kill and restart it. */
  debezium: DebeziumServer | undefined;
  /** The `orders` change-capture connector (→ `OrderChanges`, the order view's source), when `cdc` is on. */
  debeziumOrders: DebeziumServer | undefined;
  /** The change-rules connector (→ `TableChanges`), when `changeRules` is on. */
  debeziumRules: DebeziumServer | undefined;
  /** The MariaDB source and its capture (→ `OrderChanges`), when `mariadb` is on. */
  mariadb: MariaDbSource | undefined;
  /** The emulators the cloud started (undefined with an external endpoint): drills freeze one by its pid. */
  emulators: RunningEmulators | undefined;
  /** The Postgres the cloud started and its data directory (undefined with an external database): drills kill it
   *  and start it again on the same directory and port, as RDS restarts an instance. */
  postgres: { server: PostgresServer; dataDir: string } | undefined;
  /** Starts or pauses every event-source mapping that reads an SQS queue (the consumers), e.g. to inspect queues. */
  setQueueConsumersEnabled(enabled: boolean): Promise<void>;
  /** The local alarm evaluator (states also in the emulator's DescribeAlarms), unless `slotGuard: false`. */
  alarms: AlarmEvaluator | undefined;
  /** Pids of every process the cloud started (for `local:down` to verify nothing is left). */
  pids(): number[];
  stop(): Promise<void>;
}

/** The emulators take any key; these are the dummies every local part uses. */
export function localAccess(endpoint: string): AwsAccess {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
}

const port = async (wanted: number) => (wanted === 0 ? freePort() : wanted);

/** Starts the whole local pipeline; if any step fails, stops what had started and rethrows. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const progress = options.progress ?? (() => {});
  const stops: Array<() => Promise<unknown>> = [];
  const pids: Array<() => number[]> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };
  const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    progress(`${label} …`);
    const result = await work();
    progress(`${label} ✓ ${Date.now() - started} ms`);
    return result;
  };

  try {
    mkdirSync(options.logDir, { recursive: true });
    let aws = options.external?.aws;
    let emulators: RunningEmulators | undefined;
    if (!aws) {
      const gatewayPort = await port(options.ports.aws);
      const started = await step('AWS emulators', () => startEmulators(gatewayPort));
      emulators = started;
      stops.push(() => started.stop());
      pids.push(() => started.pids());
      progress(
        `  ${Object.entries(started.selection)
          .map(([s, n]) => `${s}→${n}`)
          .join(', ')}, others→${fallback}`,
      );
      aws = localAccess(started.url);
    }
    const access = aws;

    let serverAdminUrl = options.external?.databaseUrl;
    let localPostgres: LocalCloud['postgres'];
    if (!serverAdminUrl) {
      const dataDir = join(options.stateDir, 'pg', 'data');
      if (options.fresh) rmSync(join(options.stateDir, 'pg'), { recursive: true, force: true });
      const postgres = await step('Postgres 17', async () =>
        startPostgres(dataDir, await port(options.ports.postgres), defaultPostgresSettings),
      );
      stops.push(() => postgres.stop());
      pids.push(() => (postgres.process.child.pid ? [postgres.process.child.pid] : []));
      localPostgres = { server: postgres, dataDir };
      serverAdminUrl = postgres.adminUrl;
    }
    const database = await step('migrations', () => prepareDatabase(serverAdminUrl));

    // A copy: drills adjust their template in place.
    const template = await step('synth CDK app', async () => structuredClone(localAppTemplate()));
    options.adjustTemplate?.(template);
    const provisioned = await step('provision from template', () => provisionFromTemplate(template, access));
    for (const warning of summarize(provisioned.warnings)) progress(`  note: ${warning}`);

    let debezium: DebeziumServer | undefined;
    let debeziumOrders: DebeziumServer | undefined;
    let debeziumRules: DebeziumServer | undefined;
    if (options.cdc !== false) {
      const server = await step('Debezium Server (outbox → Kinesis)', () =>
        startDebezium({
          template,
          provisioned,
          connector: 'outbox',
          databaseUrl: database.cdc,
          access,
          dataDir: join(options.stateDir, 'debezium', 'outbox'),
        }),
      );
      debezium = server;
      stops.push(() => server.stop());
      pids.push(() => (server.process.child.pid ? [server.process.child.pid] : []));

      const orders = await step('Debezium Server (orders changes → Kinesis)', () =>
        startDebezium({
          template,
          provisioned,
          connector: 'orders',
          databaseUrl: database.cdc,
          access,
          dataDir: join(options.stateDir, 'debezium', 'orders'),
        }),
      );
      debeziumOrders = orders;
      stops.push(() => orders.stop());
      pids.push(() => (orders.process.child.pid ? [orders.process.child.pid] : []));
    }
    if (options.changeRules) {
      const rules = await step('Debezium Server (change-rule tables → Kinesis)', () =>
        startDebezium({
          template,
          provisioned,
          connector: 'rules',
          databaseUrl: database.cdc,
          access,
          dataDir: join(options.stateDir, 'debezium', 'rules'),
        }),
      );
      debeziumRules = rules;
      stops.push(() => rules.stop());
      pids.push(() => (rules.process.child.pid ? [rules.process.child.pid] : []));
    }

    let mariadb: MariaDbSource | undefined;
    if (options.mariadb) {
      const { port: mariaDbPort } = options.mariadb;
      const source = await step('MariaDB + Debezium Server (MariaDB orders → Kinesis)', () =>
        startMariaDbSource({
          stateDir: options.stateDir,
          port: mariaDbPort,
          fresh: Boolean(options.fresh),
          access,
          region: provisioned.pseudo.region,
          streamName: outputOf(provisioned, 'OrderChangesStreamName'),
        }),
      );
      mariadb = source;
      stops.push(() => source.stop());
      pids.push(() => source.pids());
    }

    const paymentGateway = await step('payment gateway stand-in', async () =>
      startPaymentGateway(await freePort(), join(options.logDir, 'payment-gateway-requests.jsonl')),
    );
    stops.push(() => paymentGateway.close());
    const sideEffects = await step('inventory + notification stand-ins', async () =>
      startSideEffects(await freePort(), join(options.logDir, 'side-effect-requests.jsonl')),
    );
    stops.push(() => sideEffects.close());
    const tokenIssuer = await step('token issuer stand-in (JWKS)', async () =>
      startTokenIssuer(await freePort()),
    );
    stops.push(() => tokenIssuer.close());

    // The emulators start empty, so checkpoints from an earlier run point at records that no longer exist.
    const runtimeState = join(options.stateDir, 'runtime');
    rmSync(runtimeState, { recursive: true, force: true });
    const runtime = await step('Lambda runtime', () =>
      startRuntime({
        template,
        provisioned,
        access,
        // Each function's database login, as its template's secret names it (the API's, the consumers', ...).
        localEnvOf: databaseEnvOf(template, database),
        // Local stand-ins for what AWS provides: the payment gateway, the side effects.
        localEnv: {
          PAYMENT_GATEWAY_URL: paymentGateway.url,
          HOLDLINE_LOCAL: '1',
          INVENTORY_SERVICE_URL: sideEffects.inventoryUrl,
          NOTIFICATION_SERVICE_URL: sideEffects.notificationUrl,
          // The issuer the authorizer trusts; in AWS, the stack's tokenJwksUrl setting.
          [AUTHORIZER_ENV.jwksUrl]: tokenIssuer.jwksUrl,
          // The on-call panel charts as many alarm periods as in AWS, on the evaluator's faster clock.
          [ONCALL_TIME_SCALE_ENV]: String(
            options.slotGuard === false ? 1 : (options.slotGuard?.alarmTimeScale ?? DEFAULT_ALARM_TIME_SCALE),
          ),
          ...options.localEnv,
        },
        scheduleOverrides: {
          ...(options.slotGuard === false
            ? {}
            : slotMonitorOverrides(template, options.slotGuard?.monitorIntervalMs)),
          ...options.scheduleOverrides,
        },
        stateDir: runtimeState,
        logDir: options.logDir,
        ...(options.onSqsReceive ? { onSqsReceive: options.onSqsReceive } : {}),
      }),
    );
    stops.push(() => runtime.stop());

    let alarms: AlarmEvaluator | undefined;
    if (options.slotGuard !== false) {
      const guard = await step('alarm evaluator', () =>
        startLocalSlotGuard(access, template, provisioned, options.logDir, options.slotGuard || {}),
      );
      alarms = guard.evaluator;
      stops.push(() => guard.stop());
    }
    pids.push(() => runtime.workerPids());
    for (const warning of runtime.warnings) progress(`  note: ${warning}`);

    const api = await step('HTTP API', async () =>
      startHttpApi(
        await port(options.ports.api),
        httpRoutes(template),
        (id, event) => runtime.invoke(id, event),
        (m) => progress(`api error: ${m}`),
      ),
    );
    stops.push(() => api.close());

    const web = await step('web UI', async () => {
      const build = ensureWebBuild(progress);
      if (build.built) progress(`  web/ built in ${build.ms} ms`);
      return startWeb(await port(options.ports.web ?? 0), api.url);
    });
    stops.push(() => web.close());

    const clients = lazyClients(access);
    stops.push(async () => clients.destroy());
    return {
      aws: access,
      clients: () => clients.get(),
      output: (id) => outputOf(provisioned, id),
      endpoints: {
        api: api.url,
        aws: access.endpoint ?? `https://${access.region}.amazonaws.com`,
        postgres: database.app,
        postgresAdmin: database.admin,
        logs: options.logDir,
        web: web.url,
        ...(mariadb ? { mariadb: mariadb.url } : {}),
      },
      template,
      provisioned,
      runtime,
      database,
      paymentGateway,
      sideEffects,
      debezium,
      debeziumOrders,
      debeziumRules,
      mariadb,
      alarms,
      emulators,
      postgres: localPostgres,
      setQueueConsumersEnabled: async (enabled) => {
        for (const id of queueMappingIds(template)) await runtime.setMappingEnabled(id, enabled);
      },
      pids: () => pids.flatMap((p) => p()),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** One line per emulator gap instead of one per queue: "SqsManagedSseEnabled=true not kept (9 queues)". */
export function summarize(warnings: readonly string[]): string[] {
  const dropped = new Map<string, number>();
  const other: string[] = [];
  for (const warning of warnings) {
    const attribute = /asked for (\w+=\S+), the SQS emulator reports/.exec(warning)?.[1];
    if (attribute) dropped.set(attribute, (dropped.get(attribute) ?? 0) + 1);
    else other.push(warning);
  }
  return [
    ...[...dropped].map(
      ([attribute, count]) => `the SQS emulator does not keep ${attribute} (${count} queues)`,
    ),
    ...other,
  ];
}

/** Event-source mappings whose source is an SQS queue of the template, by logical id. */
export function queueMappingIds(template: CfnTemplate): string[] {
  const resources = template.Resources ?? {};
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .filter(([, r]) => {
      const source = (r.Properties?.EventSourceArn as { 'Fn::GetAtt'?: [string, string] })?.[
        'Fn::GetAtt'
      ]?.[0];
      return source !== undefined && resources[source]?.Type === 'AWS::SQS::Queue';
    })
    .map(([id]) => id);
}

/** The SDK clients drills and tests use, for one cloud; `stop` destroys them. */
export type CloudClients = Omit<AwsClients, 'destroy'>;

function lazyClients(access: AwsAccess): { get(): CloudClients; destroy(): void } {
  let made: AwsClients | undefined;
  return {
    get: () => {
      made ??= createClients(access);
      return made;
    },
    destroy: () => made?.destroy(),
  };
}

function outputOf(provisioned: Provisioned, id: OutputId): string {
  const value = provisioned.outputs[id];
  if (!value) throw new MissingOutputError(id);
  return value;
}
