import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { config } from '../lib/config.ts';
import { DMS_ENGINE_VERSION, DMS_SERVICE_ROLES } from '../lib/constructs/dms-capture.ts';
import { fromRepoRoot } from '../lib/paths.ts';
import { holdlineTemplate, resourcesOf } from './template.ts';

/** The least DMS engine each PostgreSQL major version needs as a source (AWS DMS user guide, PostgreSQL source). */
const LEAST_ENGINE_FOR_POSTGRES: Record<string, string> = { '15': '3.5.1', '16': '3.5.3', '17': '3.6.1' };

const versionAtLeast = (version: string, least: string): boolean => {
  const [a, b] = [version, least].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a![i] ?? 0) !== (b![i] ?? 0)) return (a![i] ?? 0) > (b![i] ?? 0);
  return true;
};

describe('cdc=dms', () => {
  const template = holdlineTemplate({ cdc: 'dms' });

  it(`pins the replication engine PostgreSQL ${config.postgresMajorVersion} needs`, () => {
    const instances = Object.values(resourcesOf(template, 'AWS::DMS::ReplicationInstance'));
    expect(instances).toHaveLength(1);
    expect(instances[0]!.Properties.EngineVersion).toBe(DMS_ENGINE_VERSION);
    const least = LEAST_ENGINE_FOR_POSTGRES[config.postgresMajorVersion];
    expect(least, `no known DMS engine for PostgreSQL ${config.postgresMajorVersion}`).toBeDefined();
    expect(versionAtLeast(DMS_ENGINE_VERSION, least!)).toBe(true);
  });

  it('leaves the account-wide DMS service roles to the guide, which creates both and waits for IAM', () => {
    const roleNames = Object.values(resourcesOf(template, 'AWS::IAM::Role')).map(
      (r) => r.Properties.RoleName,
    );
    const guide = readFileSync(fromRepoRoot('docs/deploy.md'), 'utf8');
    for (const [role, policy] of Object.entries(DMS_SERVICE_ROLES)) {
      expect(roleNames).not.toContain(role);
      expect(guide).toContain(`aws iam create-role --role-name ${role}`);
      expect(guide).toContain(`aws iam attach-role-policy --role-name ${role} \\\n  --policy-arn ${policy}`);
      expect(guide).toContain(`aws iam wait role-exists --role-name ${role}`);
    }
  });
});
