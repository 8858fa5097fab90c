/**
 * Where, and as whom, an AWS SDK client talks. Tools, the local cloud and drills pass it explicitly, so two clouds
 * can share a process and no statement order matters. A Lambda function takes it from its process environment
 * (AWS in production, the local runtime's worker start-up here), as the SDK does by default.
 */
export interface AwsAccess {
  /** An emulator or LocalStack; undefined = the region's real endpoints. */
  endpoint?: string | undefined;
  region: string;
  /** undefined = the SDK's default credential chain (a profile, SSO, a role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** The part of any SDK v3 client's configuration that says where and as whom: `new SQSClient(awsClientConfig(a))`. */
export function awsClientConfig(access: AwsAccess): {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    region: access.region,
    ...(access.endpoint === undefined ? {} : { endpoint: access.endpoint }),
    ...(access.credentials === undefined ? {} : { credentials: access.credentials }),
  };
}

/** The same access as the variables a child process's SDK reads at start-up (its environment is its only input). */
export function awsAccessEnv(access: AwsAccess): Record<string, string> {
  return {
    AWS_REGION: access.region,
    ...(access.endpoint === undefined ? {} : { AWS_ENDPOINT_URL: access.endpoint }),
    ...(access.credentials === undefined
      ? {}
      : {
          AWS_ACCESS_KEY_ID: access.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: access.credentials.secretAccessKey,
        }),
  };
}
