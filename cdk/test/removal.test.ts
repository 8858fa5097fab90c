import { describe, expect, it } from 'vitest';
import { holdlineTemplate, resourcesOf } from './template.ts';

/** DeletionPolicy per resource type (CloudFormation's default is Delete). */
function policies(context: Record<string, unknown>) {
  const template = holdlineTemplate(context).toJSON();
  const byType = new Map<string, Set<string>>();
  for (const r of Object.values<{ Type: string; DeletionPolicy?: string }>(template.Resources)) {
    const set = byType.get(r.Type) ?? new Set<string>();
    set.add(r.DeletionPolicy ?? 'Delete');
    byType.set(r.Type, set);
  }
  return byType;
}

describe('what `cdk destroy` keeps (docs/deploy.md, tear down)', () => {
  it.each([
    ['rds', 'AWS::RDS::DBInstance'],
    ['aurora', 'AWS::RDS::DBCluster'],
  ])('keeps a final snapshot of the %s database, and the DynamoDB tables', (database, type) => {
    const p = policies({ database });
    expect([...(p.get(type) ?? [])]).toEqual(['Snapshot']);
    expect([...(p.get('AWS::DynamoDB::Table') ?? [])]).toEqual(['Retain']);
  });

  it('deletes what bills by the hour or only relays: streams, queues, log groups, the UI bucket', () => {
    const p = policies({});
    for (const type of ['AWS::Kinesis::Stream', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup'])
      expect([...(p.get(type) ?? [])], type).toEqual(['Delete']);
    // The UI bucket goes; the reports bucket (customers' CSV exports, data) stays, as the tables do.
    const buckets = Object.entries(resourcesOf(holdlineTemplate(), 'AWS::S3::Bucket')).map(
      ([id, r]) => `${id.replace(/[0-9A-F]{8}$/, '')}: ${r.DeletionPolicy ?? 'Delete'}`,
    );
    expect(buckets.sort()).toEqual(['ChangeRulesReports: Retain', 'WebHostingBucket: Delete']);
    expect(Object.keys(resourcesOf(holdlineTemplate(), 'AWS::Kinesis::Stream'))).toHaveLength(3);
  });
});
