/**
 * Every unit price the cost estimate uses, in one table: us-east-1, on-demand list prices, USD, free tiers ignored.
 *
 * Recorded on `PRICES_AS_OF` from the pages in `source`, as the author knew them: the build machine has no internet
 * access, so they were not re-read live that day. Check them against the pages (or the AWS Pricing Calculator)
 * before relying on the totals; change a price here and `npm run cost -- --write` regenerates docs/deploy.md.
 */
export const PRICES_AS_OF = '2026-12-06';

/** A month as AWS bills hourly resources. */
export const HOURS_PER_MONTH = 730;

export interface Price {
  usd: number;
  unit: string;
  source: string;
}

const page = {
  rds: 'https://aws.amazon.com/rds/postgresql/pricing/',
  proxy: 'https://aws.amazon.com/rds/proxy/pricing/',
  aurora: 'https://aws.amazon.com/rds/aurora/pricing/',
  fargate: 'https://aws.amazon.com/fargate/pricing/',
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  privatelink: 'https://aws.amazon.com/privatelink/pricing/',
  kinesis: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
  secrets: 'https://aws.amazon.com/secrets-manager/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  dms: 'https://aws.amazon.com/dms/pricing/',
  ec2: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  apigw: 'https://aws.amazon.com/api-gateway/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  xray: 'https://aws.amazon.com/xray/pricing/',
  cloudfront: 'https://aws.amazon.com/cloudfront/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
} as const;

export const prices = {
  rdsInstanceHour: {
    'db.t4g.micro': { usd: 0.016, unit: 'instance-hour, Single-AZ', source: page.rds },
  } as Record<string, Price>,
  /** Multi-AZ (the default, cdk/lib/config.ts databaseMultiAz): the standby bills as a second instance. */
  rdsInstanceHourMultiAz: {
    'db.t4g.micro': { usd: 0.032, unit: 'instance-hour, Multi-AZ (primary and standby)', source: page.rds },
  } as Record<string, Price>,
  rdsGp3GbMonth: { usd: 0.115, unit: 'GB-month of gp3 storage', source: page.rds },
  rdsGp3GbMonthMultiAz: { usd: 0.23, unit: 'GB-month of gp3 storage, Multi-AZ', source: page.rds },
  /** vCPUs of an instance class: RDS Proxy bills per vCPU of the instance behind it. */
  rdsInstanceVcpus: { 'db.t4g.micro': 2 } as Record<string, number>,
  rdsProxyVcpuHour: { usd: 0.015, unit: 'vCPU-hour of the instance (2 vCPUs minimum)', source: page.proxy },
  auroraAcuHour: { usd: 0.12, unit: 'ACU-hour, Serverless v2', source: page.aurora },
  auroraStorageGbMonth: { usd: 0.1, unit: 'GB-month', source: page.aurora },
  fargateVcpuHour: { usd: 0.04048, unit: 'vCPU-hour, Linux x86', source: page.fargate },
  fargateGbHour: { usd: 0.004445, unit: 'GB-hour, Linux x86', source: page.fargate },
  publicIpv4Hour: { usd: 0.005, unit: 'public IPv4 address-hour', source: page.vpc },
  natGatewayHour: { usd: 0.045, unit: 'NAT gateway-hour', source: page.vpc },
  natGatewayGb: { usd: 0.045, unit: 'GB processed', source: page.vpc },
  interfaceEndpointAzHour: { usd: 0.01, unit: 'endpoint-AZ-hour', source: page.privatelink },
  kinesisShardHour: { usd: 0.015, unit: 'shard-hour, provisioned', source: page.kinesis },
  kinesisPutUnitsMillion: { usd: 0.014, unit: 'million PUT payload units (25 KB)', source: page.kinesis },
  kinesisExtendedRetentionShardHour: {
    usd: 0.02,
    unit: 'shard-hour of retention past 24 h (to 7 days)',
    source: page.kinesis,
  },
  secretMonth: { usd: 0.4, unit: 'secret-month', source: page.secrets },
  kmsKeyMonth: { usd: 1.0, unit: 'customer managed key-month', source: page.kms },
  dmsInstanceHour: {
    'dms.t3.micro': { usd: 0.018, unit: 'instance-hour, Single-AZ', source: page.dms },
  } as Record<string, Price>,
  dmsStorageGbMonth: { usd: 0.115, unit: 'GB-month', source: page.dms },
  ec2InstanceHour: {
    't4g.nano': { usd: 0.0042, unit: 'instance-hour, Linux', source: page.ec2 },
  } as Record<string, Price>,
  httpApiRequestsMillion: { usd: 1.0, unit: 'million HTTP API requests', source: page.apigw },
  lambdaRequestsMillion: { usd: 0.2, unit: 'million requests', source: page.lambda },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second, arm64', source: page.lambda },
  sqsFifoRequestsMillion: { usd: 0.5, unit: 'million FIFO requests (64 KB chunks)', source: page.sqs },
  dynamoWriteUnitsMillion: {
    usd: 0.625,
    unit: 'million write request units, on-demand',
    source: page.dynamodb,
  },
  dynamoStorageGbMonth: { usd: 0.25, unit: 'GB-month', source: page.dynamodb },
  dynamoPitrGbMonth: { usd: 0.2, unit: 'GB-month of point-in-time recovery', source: page.dynamodb },
  logsIngestedGb: { usd: 0.5, unit: 'GB of logs ingested', source: page.cloudwatch },
  alarmMonth: { usd: 0.1, unit: 'standard-resolution alarm-month', source: page.cloudwatch },
  customMetricMonth: {
    usd: 0.3,
    unit: 'custom metric-month (first 10,000; billed by the hour it is sent)',
    source: page.cloudwatch,
  },
  dashboardMonth: { usd: 3.0, unit: 'dashboard-month', source: page.cloudwatch },
  putMetricDataThousand: { usd: 0.01, unit: '1,000 PutMetricData requests', source: page.cloudwatch },
  xrayTracesMillion: { usd: 5.0, unit: 'million traces recorded', source: page.xray },
  cloudFrontHttpsMillion: {
    usd: 1.0,
    unit: 'million HTTPS requests (US/EU, $0.0100 per 10,000)',
    source: page.cloudfront,
  },
  cloudFrontOutGb: {
    usd: 0.085,
    unit: 'GB out to the internet (US/EU, first 10 TB)',
    source: page.cloudfront,
  },
  wafWebAclMonth: { usd: 5.0, unit: 'web ACL-month', source: page.waf },
  wafRuleMonth: { usd: 1.0, unit: 'rule-month (a managed rule group counts as one)', source: page.waf },
  wafRequestsMillion: { usd: 0.6, unit: 'million requests inspected', source: page.waf },
} as const;
