import { describe, expect, it } from 'vitest';
import { awsAccessEnv, awsClientConfig } from './aws-access.ts';

describe('AwsAccess', () => {
  const local = {
    endpoint: 'http://127.0.0.1:4566',
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };

  it('gives an SDK client the endpoint, region and credentials, and a child process the same as variables', () => {
    expect(awsClientConfig(local)).toEqual(local);
    expect(awsAccessEnv(local)).toEqual({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });

  it('leaves endpoint and credentials to the SDK’s defaults for real AWS', () => {
    expect(awsClientConfig({ region: 'eu-west-1' })).toEqual({ region: 'eu-west-1' });
    expect(awsAccessEnv({ region: 'eu-west-1' })).toEqual({ AWS_REGION: 'eu-west-1' });
  });
});
