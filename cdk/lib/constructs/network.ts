import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { config } from '../config.ts';

export interface NetworkProps {
  /**
   * Add one NAT gateway and private subnets with egress, where the functions that query Postgres then run, so the
   * payment consumer can call a payment gateway on the internet (context `egress=nat`). Default false: no NAT.
   */
  natEgress?: boolean;
}

/**
 * Two AZs, no NAT gateway by default. Isolated subnets hold the database, RDS Proxy and the Lambdas that query
 * Postgres; they reach AWS APIs through VPC endpoints. Public subnets exist only so the Debezium task can
 * pull its image from ECR and call Kinesis through the internet gateway (a public IP, no inbound rules)
 * without the cost of a NAT gateway. With `natEgress` those Lambdas move to private subnets behind one NAT
 * gateway, so the payment consumer can reach a payment gateway on the internet.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly isolatedSubnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_ISOLATED };
  readonly publicSubnets: SubnetSelection = { subnetType: SubnetType.PUBLIC };
  /** Where in-VPC functions run: private subnets with egress through NAT, or the isolated ones without NAT. */
  readonly functionSubnets: SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const egress = props.natEgress === true;
    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      // One NAT gateway, not one per AZ: a sandbox trades AZ-independent egress for half the hourly cost.
      natGateways: egress ? 1 : 0,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ...(egress ? [{ name: 'egress', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }] : []),
      ],
    });
    this.functionSubnets = egress ? { subnetType: SubnetType.PRIVATE_WITH_EGRESS } : this.isolatedSubnets;
    // In-VPC Lambdas read their database secret and write idempotency records; without these endpoints
    // those calls would hang until the function times out (there is no NAT). cdk/test/vpc-endpoints.test.ts
    // checks every service an in-VPC function's role may call has one.
    this.vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB });
    const secretsManager = this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: this.isolatedSubnets,
    });
    // The payment consumer calls SQS itself (backoff: ChangeMessageVisibility; quarantine: SendMessage); without
    // this endpoint those calls hang until the function times out. The event source mapping polls from outside.
    const sqs = this.vpc.addInterfaceEndpoint('Sqs', {
      service: InterfaceVpcEndpointAwsService.SQS,
      subnets: this.isolatedSubnets,
    });
    for (const endpoint of [secretsManager, sqs])
      Validations.of(endpoint).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          "The endpoint's security group admits HTTPS from the VPC's own CIDR block only (CDK's default for " +
          'interface endpoints), never 0.0.0.0/0; cdk-nag cannot read the CIDR because it is a token.',
      });
    // Rejected connections only: what a security-group mistake looks like, at a fraction of the cost of ALL.
    this.vpc.addFlowLog('FlowLog', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', {
          retention: config.logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ),
    });
  }
}
