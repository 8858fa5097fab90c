import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../cdk/lib/template.ts';
import { withOrdersSnapshotMode } from './snapshot-override.ts';

const task = (prefix: string, extra: Array<{ Name: string; Value: unknown }> = []) => ({
  Type: 'AWS::ECS::TaskDefinition',
  Properties: {
    ContainerDefinitions: [
      {
        Name: 'debezium',
        Environment: [
          { Name: 'DEBEZIUM_SOURCE_TOPIC_PREFIX', Value: prefix },
          { Name: 'DEBEZIUM_SOURCE_SNAPSHOT_MODE', Value: 'when_needed' },
          ...extra,
        ],
      },
    ],
  },
});
const template = (): CfnTemplate => ({
  Resources: { Outbox: task('holdline_outbox'), Orders: task('holdline_orders') },
});
type Env = Array<{ Name: string; Value: unknown }>;
/** The orders or outbox container's snapshot.mode in `t`. */
function snapshotMode(t: CfnTemplate, id: string): unknown {
  const props = t.Resources?.[id]?.Properties as
    | { ContainerDefinitions: Array<{ Environment: Env }> }
    | undefined;
  const env = props?.ContainerDefinitions[0]?.Environment ?? [];
  return env.find((e) => e.Name === 'DEBEZIUM_SOURCE_SNAPSHOT_MODE')?.Value;
}

describe('withOrdersSnapshotMode', () => {
  it("changes the orders connector's snapshot.mode in a copy, and nothing else", () => {
    const original = template();
    const changed = withOrdersSnapshotMode(original, 'no_data');
    expect(snapshotMode(changed, 'Orders')).toBe('no_data');
    expect(snapshotMode(changed, 'Outbox')).toBe('when_needed');
    expect(snapshotMode(original, 'Orders')).toBe('when_needed');
  });

  it('refuses a template without the orders connector or without its snapshot.mode', () => {
    expect(() =>
      withOrdersSnapshotMode({ Resources: { Outbox: task('holdline_outbox') } }, 'no_data'),
    ).toThrow(/no orders connector/);
    const bare = template();
    const orders = bare.Resources!.Orders!.Properties as {
      ContainerDefinitions: Array<{ Environment: Array<{ Name: string }> }>;
    };
    orders.ContainerDefinitions[0]!.Environment = orders.ContainerDefinitions[0]!.Environment.filter(
      (e) => e.Name !== 'DEBEZIUM_SOURCE_SNAPSHOT_MODE',
    );
    expect(() => withOrdersSnapshotMode(bare, 'no_data')).toThrow(/has no DEBEZIUM_SOURCE_SNAPSHOT_MODE/);
  });
});
