import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginSecretIds } from '../cdk/lib/constructs/database.ts';
import { fromRepoRoot, repoRoot } from '../cdk/lib/paths.ts';
import { type LocalCloud, startLocalCloud } from '../localstack/cloud/local-cloud.ts';
import { stateDir } from '../localstack/lib/paths.ts';
import { freePort } from '../localstack/lib/process.ts';
import { initCluster, type PostgresServer, startPostgres } from '../localstack/processes/postgres/server.ts';
import { defaultPostgresSettings } from '../localstack/processes/postgres/settings.ts';
import { devKeyFile, devKeys } from '../localstack/stand-ins/auth/dev-keys.ts';
import { testAws, testClientConfig } from '../localstack/test/fixtures/aws.ts';
import { type DbRole, dbRoleNames, dbRoles } from '../sql/roles.ts';
import { createRdsLikeMaster } from '../sql/test/rds-like-master.ts';
import { readRehearsedBlocks } from './rehearse-deploy/guide-blocks.ts';
import {
  type RecordedCloudFormation,
  startRecordedCloudFormation,
} from './rehearse-deploy/recorded-stack.ts';
import { runBlocks } from './rehearse-deploy/run-block.ts';

// `npm run rehearse-deploy`: docs/deploy.md's marked blocks, verbatim, as far as they run without AWS (the guide
// lists what they cover and what they cannot). Stand-ins, each for one thing AWS would do:
// - the RDS instance: a Postgres 17 of its own with TLS on and an RDS-like master (no superuser);
// - the deployed stack's look-ups: the synthesized template's resources and outputs, served as CloudFormation
//   pages them; secrets and the on-call topic are real in the emulators;
// - the SSM tunnel: LOCAL_PORT is the instance's port; `cdk deploy`/`destroy`: the local cloud, started on it.
const guide = readRehearsedBlocks(fromRepoRoot('docs/deploy.md'));
const stack = 'HoldlineRehearsal';
const masterPassword = 'm@ster/pw%:?#1';
const appPassword = `app/pw%${Date.now()}`;
/** Each login's password in the rehearsal's secrets: the app's as before, the others derived from it. */
const passwordOf = (role: DbRole) => (role === 'app' ? appPassword : `${appPassword}-${role}`);

const onCallEmail = 'oncall@rehearsal.example.com';

describe('deploy rehearsal (docs/deploy.md)', () => {
  let dir: string;
  let instance: PostgresServer;
  let cfn: RecordedCloudFormation | undefined;
  let cloud: LocalCloud | undefined;
  let apiPort: number;
  let env: NodeJS.ProcessEnv;
  const run = (...blocks: string[]) => runBlocks(blocks, repoRoot, env);

  beforeAll(async () => {
    dir = mkdtempSync(join(stateDir, 'rehearsal-'));
    const dataDir = join(dir, 'pg', 'data');
    initCluster(dataDir);
    // RDS serves TLS with a certificate for its own host name, never 127.0.0.1.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=holdline.rehearsal.rds.amazonaws.com',
        '-keyout',
        join(dataDir, 'server.key'),
        '-out',
        join(dataDir, 'server.crt'),
      ],
      { stdio: 'pipe' },
    );
    chmodSync(join(dataDir, 'server.key'), 0o600);
    instance = await startPostgres(
      dataDir,
      await freePort(),
      { ...defaultPostgresSettings, extra: { ssl: 'on' } },
      {
        name: 'rehearsal-postgres',
      },
    );
    await createRdsLikeMaster(instance.adminUrl, 'holdline', masterPassword);
    apiPort = await freePort();
    env = {
      ...process.env,
      STACK: stack,
      PSP_URL: 'https://psp.rehearsal.example.com',
      // The sandbox's token issuer: the local cloud's issuer stand-in, whose key file signs the smoke test's token.
      JWKS_URL: 'https://issuer.rehearsal.example.com/.well-known/jwks.json',
      TOKEN_KEYS: devKeyFile,
      LOCAL_PORT: String(instance.port),
      AWS_DEFAULT_REGION: 'us-east-1',
      HOLDLINE_SKIP_BUNDLING: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    };
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
    await cfn?.close();
    await instance?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('synthesizes with the real CDK CLI and cdk-nag (step 2)', async () => {
    const { code, output } = await run(guide.synth);
    expect(code, output).toBe(0);
  }, 240_000);

  it('looks up the secrets and the on-call topic by the guide’s paging commands (steps 2–3)', async () => {
    const template = JSON.parse(readFileSync(fromRepoRoot('cdk.out/Holdline.template.json'), 'utf8'));
    const resources = Object.entries(template.Resources as Record<string, { Type: string }>).map(
      ([id, r]) => [id, r.Type] as [string, string],
    );
    const idOf = (prefix: string) => {
      const found = resources.find(([id]) => id.startsWith(prefix));
      if (!found) throw new Error(`the synthesized template has no ${prefix}…`);
      return found[0];
    };
    const sm = new SecretsManagerClient(testClientConfig());
    const sns = new SNSClient(testClientConfig());
    const run_ = Date.now();
    const secretArn = async (name: string, value: string) =>
      (await sm.send(new CreateSecretCommand({ Name: `${stack}-${name}-${run_}`, SecretString: value })))
        .ARN!;
    const host = 'holdline.rehearsal.rds.amazonaws.com';
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${stack}-oncall-${run_}` }))).TopicArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: onCallEmail }));
    const outputs = Object.fromEntries(
      Object.keys(template.Outputs as object).map((k) => [k, `recorded-${k}`]),
    );
    cfn = await startRecordedCloudFormation({
      name: stack,
      resources,
      physicalIds: {
        [idOf('DatabaseInstanceSecretAttachment')]: await secretArn(
          'admin',
          JSON.stringify({
            username: 'holdline_admin',
            password: masterPassword,
            host,
            port: 5432,
            dbname: 'holdline',
          }),
        ),
        // One secret per login (sql/roles.ts), each with a password of its own.
        ...Object.fromEntries(
          await Promise.all(
            (Object.entries(dbRoles) as [DbRole, string][]).map(async ([role, username]) => [
              idOf(`Database${loginSecretIds[role]}Attachment`),
              await secretArn(
                role,
                JSON.stringify({ username, password: passwordOf(role), host, port: 5432 }),
              ),
            ]),
          ),
        ),
        [idOf('OnCallTopic')]: topicArn,
      },
      outputs: { ...outputs, HttpApiUrl: `http://127.0.0.1:${apiPort}` },
    });
    env.AWS_ENDPOINT_URL_CLOUDFORMATION = cfn.url;
    // The topic is past the first page of 100 resources: found only because the look-up pages.
    expect(resources.findIndex(([id]) => id === idOf('OnCallTopic'))).toBeGreaterThanOrEqual(100);

    const { code, output } = await run(guide.lookups, guide.oncall, 'echo "DB_HOST=$DB_HOST"');
    expect(code, output).toBe(0);
    expect(output).toContain(`DB_HOST=${host}`);
    expect(output).toContain(onCallEmail);
  }, 60_000);

  it('migrates through the guide’s connection string as the RDS-like master, over TLS, and sets the role passwords (step 3)', async () => {
    const { code, output } = await run(guide.lookups, guide.migrate);
    expect(code, output).toBe(0);
    expect(output).toMatch(/\d+ migrations applied/);
    for (const role of dbRoleNames) expect(output).toContain(`password of ${role} set`);
    // The app role logs in with the password its secret holds, and the session is encrypted.
    const app = new pg.Client({
      host: '127.0.0.1',
      port: instance.port,
      database: 'holdline',
      user: 'holdline_app',
      password: appPassword,
      ssl: { rejectUnauthorized: false },
    });
    await app.connect();
    const { rows } = await app.query<{ ssl: boolean }>(
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    await app.end();
    expect(rows[0]?.ssl).toBe(true);
  }, 120_000);

  it('places and reads an order with a token signed by the documented method, through the API (step 5)', async () => {
    await devKeys();
    cloud = await startLocalCloud({
      stateDir: join(dir, 'cloud'),
      logDir: join(dir, 'logs'),
      ports: { aws: 0, postgres: 0, api: apiPort },
      external: { aws: testAws(), databaseUrl: instance.adminUrl },
      cdc: false,
      slotGuard: false,
    });
    const { code, output } = await run(guide.lookups, guide.smoke);
    expect(code, output).toBe(0);
    const [placed, read] = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(placed).toMatchObject({ customerId: 'c-42', status: 'pending' });
    expect(read).toMatchObject({ id: placed.id, customerId: 'c-42' });
  }, 240_000);

  it('sees the stack gone after the teardown (step 6)', async () => {
    cfn?.destroy();
    const { code, output } = await run(guide.teardown);
    expect(code, output).toBe(0);
    expect(output).toContain(`stack ${stack} deleted`);
  }, 60_000);
});
