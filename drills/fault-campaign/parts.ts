import { join } from 'node:path';
import type { DebeziumServer } from '../../localstack/cloud/debezium/index.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';
import { type PostgresServer, startPostgres } from '../../localstack/processes/postgres/server.ts';
import { defaultPostgresSettings } from '../../localstack/processes/postgres/settings.ts';
import { startCloudConnector } from '../kit/drill-cloud.ts';
import type { Part } from '../kit/faults.ts';
import { CampaignSetupError, GatewayFaultError } from './errors.ts';

/** The parts of a drill cloud the campaign hits, and the processes it started again (its own to stop). */
export interface CampaignParts {
  postgres: Part;
  debezium: Part;
  dynamodb: Part;
  /** Sets the payment gateway stand-in's outage or hang mode (`undefined` clears both). */
  gateway(mode: 'outage' | 'hang' | undefined): Promise<void>;
  /** Stops what the campaign restarted (the cloud's own stop() only knows the first processes). */
  stop(): Promise<void>;
}

/**
 * Handles on the cloud's processes. A restart starts the part as its platform would: Postgres on the SAME data
 * directory and port (an RDS reboot), Debezium with the same configuration and offsets directory (an ECS task).
 */
export function campaignParts(cloud: LocalCloud, stateDir: string): CampaignParts {
  const pg = cloud.postgres;
  const missing = [
    ...(pg ? [] : ['Postgres']),
    ...(cloud.debezium ? [] : ['Debezium']),
    ...(cloud.emulators ? [] : ['emulators']),
  ];
  if (!pg || !cloud.debezium || !cloud.emulators) throw new CampaignSetupError(missing);
  const port = pg.server.port;
  let postgres: PostgresServer = pg.server;
  let debezium: DebeziumServer = cloud.debezium;
  const restarted: Array<{ stop(): Promise<void> }> = [];
  const emulators = cloud.emulators;
  return {
    postgres: {
      name: `postgres :${port}`,
      pid: () => postgres.process.child.pid,
      restart: async () => {
        postgres = await startPostgres(pg.dataDir, port, defaultPostgresSettings, {
          name: 'postgres-restarted',
        });
        restarted.push(postgres);
      },
    },
    debezium: {
      name: 'debezium outbox connector',
      pid: () => debezium.process.child.pid,
      restart: async () => {
        debezium = await startCloudConnector(cloud, 'outbox', join(stateDir, 'debezium', 'outbox'));
        restarted.push(debezium);
      },
    },
    dynamodb: { name: 'dynamodb-local', pid: () => emulators.pidOf('dynamodb-local') },
    gateway: async (mode) => {
      const response = await fetch(`${cloud.paymentGateway.url}/_faults`, {
        method: 'POST',
        body: JSON.stringify({ outage: mode === 'outage', hang: mode === 'hang' }),
      });
      if (!response.ok) throw new GatewayFaultError(mode ?? 'none', response.status);
    },
    stop: async () => {
      for (const part of restarted.reverse()) await part.stop().catch(() => {});
    },
  };
}
