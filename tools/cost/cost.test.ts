import { describe, expect, it } from 'vitest';
import { synthTemplate } from '../../cdk/lib/synth.ts';
import type { CfnTemplate } from '../../cdk/lib/template.ts';
import { COST_DOC, committedCostSection, costReport, pricedContext, renderCostSection } from './cost-doc.ts';
import { idleItems, total } from './estimate.ts';
import { inventoryOf } from './inventory.ts';

// docs/deploy.md's cost section is generated from the synthesized template: this fails when the template changes
// a count (an alarm, an endpoint, a secret, a shard, a task…) and the page was not regenerated with
// `npm run cost -- --write`.
describe('the cost estimate', () => {
  const templates = new Map<string, CfnTemplate>();
  const synth = (context: Record<string, string>) => {
    const key = JSON.stringify(context);
    if (!templates.has(key)) templates.set(key, synthTemplate({ context: pricedContext(context) }));
    return templates.get(key)!;
  };

  it(`matches ${COST_DOC}, regenerated from the template`, () => {
    expect(renderCostSection(costReport(synth, 10))).toBe(committedCostSection());
  }, 180_000);

  it('changes the section when the template changes a count', () => {
    const base = synth({});
    const [id, alarm] = Object.entries(base.Resources ?? {}).find(
      ([, r]) => r.Type === 'AWS::CloudWatch::Alarm',
    )!;
    const oneMore: CfnTemplate = { ...base, Resources: { ...base.Resources, [`${id}Copy`]: alarm } };
    const section = renderCostSection(costReport((c) => (Object.keys(c).length ? synth(c) : oneMore), 10));
    expect(section).not.toBe(committedCostSection());
    expect(total(idleItems(inventoryOf(oneMore))) - total(idleItems(inventoryOf(base)))).toBeCloseTo(0.1, 5);
  }, 180_000);

  it('refuses to price what it has no price for, naming the table to extend', () => {
    const base = synth({});
    const bigger = structuredClone(base);
    for (const r of Object.values(bigger.Resources ?? {}))
      if (r.Type === 'AWS::RDS::DBInstance')
        (r.Properties as Record<string, unknown>).DBInstanceClass = 'db.r7g.large';
    expect(() => idleItems(inventoryOf(bigger))).toThrow(
      /no price for RDS Multi-AZ class db.r7g.large: add it to tools\/cost\/prices.ts/,
    );
  });

  it('prices the default Multi-AZ instance (a standby and twice the storage) at twice the Single-AZ one', () => {
    const rdsItem = (template: CfnTemplate) =>
      idleItems(inventoryOf(template)).find((i) => i.item.startsWith('RDS db.'))!;
    const multiAz = rdsItem(synth({}));
    const singleAz = rdsItem(synth({ multiAz: 'false' }));
    expect([multiAz.item, singleAz.item]).toEqual([
      'RDS db.t4g.micro Multi-AZ + gp3 storage',
      'RDS db.t4g.micro + gp3 storage',
    ]);
    expect(multiAz.usd).toBeCloseTo(2 * singleAz.usd, 2);
  }, 180_000);
});
