import { describe, expect, it } from 'vitest';
import { functionByEntry, holdlineTemplate, referencedId, resourcesOf } from './template.ts';

/** Whether each subnet the function is placed in routes 0.0.0.0/0 through a NAT gateway. */
function natRouted(context: Record<string, unknown>, entry: string): boolean[] {
  const template = holdlineTemplate(context);
  const [, fn] = functionByEntry(template, entry);
  const subnets = fn.Properties.VpcConfig.SubnetIds.map(referencedId) as string[];
  const associations = Object.values(resourcesOf(template, 'AWS::EC2::SubnetRouteTableAssociation'));
  const routes = Object.values(resourcesOf(template, 'AWS::EC2::Route'));
  return subnets.map((subnet) => {
    const table = referencedId(
      associations.find((a) => referencedId(a.Properties.SubnetId) === subnet)?.Properties.RouteTableId,
    );
    return routes.some(
      (r) => referencedId(r.Properties.RouteTableId) === table && r.Properties.NatGatewayId !== undefined,
    );
  });
}

describe('network', () => {
  it('has no NAT gateway by default, and the SQL functions run in isolated subnets', () => {
    holdlineTemplate().resourceCountIs('AWS::EC2::NatGateway', 0);
    expect(natRouted({}, 'lambdas/consumers/payment/handler.ts')).toEqual([false, false]);
  });

  it('with egress=nat, adds one NAT gateway and moves the SQL functions behind it (the payment gateway is on the internet)', () => {
    holdlineTemplate({ egress: 'nat' }).resourceCountIs('AWS::EC2::NatGateway', 1);
    for (const entry of ['lambdas/consumers/payment/handler.ts', 'lambdas/api/handler.ts'])
      expect(natRouted({ egress: 'nat' }, entry)).toEqual([true, true]);
  });

  it('logs rejected traffic of the VPC', () => {
    holdlineTemplate().hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });
});
