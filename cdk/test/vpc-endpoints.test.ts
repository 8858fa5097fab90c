import { describe, expect, it } from 'vitest';
import { holdlineTemplate, resourcesOf } from './template.ts';

/**
 * Services an in-VPC function's role may call without an endpoint, and why: the call is not made from the
 * function's network interface.
 */
const servedOutsideTheVpc: Record<string, string> = {
  xray: 'segments go over UDP to the X-Ray daemon Lambda runs beside the function, which sends them itself',
  logs: 'Lambda ships the function’s stdout to CloudWatch Logs',
  ec2: 'the network interfaces are created by the Lambda service',
};

/** The endpoint name of a service whose IAM prefix differs. */
const endpointName: Record<string, string> = { cloudwatch: 'monitoring' };

describe('VPC endpoints with egress=none', () => {
  it('give every AWS service an in-VPC function may call an endpoint (there is no NAT to reach it otherwise)', () => {
    const template = holdlineTemplate({ egress: 'none' });
    const endpoints = Object.values(resourcesOf(template, 'AWS::EC2::VPCEndpoint')).map((e) =>
      String(JSON.stringify(e.Properties.ServiceName).match(/\.([a-z0-9-]+)"\]\]\}$/)?.[1]),
    );
    const missing: string[] = [];
    for (const [id, fn] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
      if (!fn.Properties.VpcConfig) continue;
      const role = fn.Properties.Role['Fn::GetAtt'][0];
      const services = new Set<string>();
      for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
        if (!policy.Properties.Roles.some((r: { Ref?: string }) => r.Ref === role)) continue;
        for (const statement of policy.Properties.PolicyDocument.Statement)
          for (const action of [statement.Action].flat()) services.add(String(action).split(':')[0] ?? '');
      }
      for (const service of services) {
        if (service in servedOutsideTheVpc) continue;
        if (!endpoints.includes(endpointName[service] ?? service)) missing.push(`${id} → ${service}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
