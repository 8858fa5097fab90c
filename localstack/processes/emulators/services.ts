import type { AwsService } from '../../../lambdas/shared/aws-access.ts';

/** The AWS services the pipeline uses, as SigV4 credential scopes name them. */
export type Service = AwsService;
export const allServices: readonly Service[] = ['sqs', 'sns', 'kinesis', 'dynamodb', 'cloudwatch'];
