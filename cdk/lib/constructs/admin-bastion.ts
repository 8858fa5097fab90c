import { Validations } from 'aws-cdk-lib';
import {
  AmazonLinuxCpuType,
  BastionHostLinux,
  BlockDeviceVolume,
  InstanceClass,
  InstanceSize,
  InstanceType,
  MachineImage,
} from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { HoldlineDatabase } from './database.ts';
import type { Network } from './network.ts';

/** The bastion's Name tag, which docs/deploy.md looks it up by. */
export const BASTION_NAME = 'HoldlineAdminBastion';

/**
 * Optional (context `bastion=true`): a tiny instance with no inbound rules, reached only through SSM Session
 * Manager port forwarding, so an operator can run `npm run migrate` and set the role passwords against a database
 * that lives in isolated subnets. Deploy it for the first migration, then deploy again without it.
 */
export class AdminBastion extends Construct {
  readonly host: BastionHostLinux;

  constructor(scope: Construct, id: string, network: Network, database: HoldlineDatabase) {
    super(scope, id);
    this.host = new BastionHostLinux(this, 'Host', {
      vpc: network.vpc,
      // Public subnet: the SSM agent reaches Systems Manager through the internet gateway (no NAT, no SSM endpoints).
      subnetSelection: network.publicSubnets,
      instanceName: BASTION_NAME,
      instanceType: InstanceType.of(InstanceClass.T4G, InstanceSize.NANO),
      machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.ARM_64 }),
      requireImdsv2: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: BlockDeviceVolume.ebs(8, { encrypted: true }) }],
    });
    database.connections.allowDefaultPortFrom(this.host, 'Admin bastion (migrations) to Postgres');

    const ack = (rule: string, reason: string) =>
      Validations.of(this.host).acknowledge({ id: `AwsSolutions-${rule}`, reason });
    for (const rule of ['IAM5[Action::ssmmessages:*]', 'IAM5[Action::ec2messages:*]', 'IAM5[Resource::*]'])
      ack(
        rule,
        "CDK's BastionHostLinux policy for the Session Manager agent: ssmmessages:*, ec2messages:* and " +
          'ssm:UpdateInstanceInformation, which Systems Manager offers only on Resource "*"; nothing else.',
      );
    ack(
      'EC28',
      'A throwaway admin host that lives for one migration: detailed monitoring would bill for metrics nobody reads.',
    );
    ack(
      'EC29',
      'Meant to be removed (deploy again without bastion=true); termination protection or an auto scaling group ' +
        'would only get in the way of that.',
    );
  }
}
