import {
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * Two AZs, no NAT gateway. Isolated subnets hold the database, RDS Proxy and the Lambdas that query
 * Postgres; they reach AWS APIs through VPC endpoints. Public subnets exist only so the Debezium task can
 * pull its image from quay.io and call Kinesis through the internet gateway (a public IP, no inbound rules)
 * without the cost of a NAT gateway.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly isolatedSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_ISOLATED };
  readonly publicSubnets: SubnetSelection = { subnetType: SubnetType.PUBLIC };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    // In-VPC Lambdas read their database secret and write idempotency records; without these endpoints
    // those calls would hang until the function times out (there is no NAT).
    this.vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB });
    this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: this.isolatedSubnets,
    });
  }
}
