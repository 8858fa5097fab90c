/** The AWS services the pipeline uses, as SigV4 credential scopes name them. */
export type Service = 'sqs' | 'sns' | 'kinesis' | 'dynamodb' | 'cloudwatch';
export const allServices: readonly Service[] = ['sqs', 'sns', 'kinesis', 'dynamodb', 'cloudwatch'];
