/**
 * Where, and as whom, an AWS SDK client talks. Tools, the local cloud and drills pass it explicitly, so two clouds
 * can share a process and no statement order matters. A Lambda function takes it from its process environment
 * (AWS in production, the local runtime's worker start-up here), as the SDK does by default.
 */
export interface AwsAccess {
  /** An emulator or LocalStack; undefined = the region's real endpoints. */
  endpoint?: string | undefined;
  /**
   * An endpoint per service, over `endpoint` for that service: the local cloud's emulators reached directly, so a
   * call skips the one-endpoint gateway in front of them (a second HTTP hop for every call). Children get them as
   * the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables.
   */
  serviceEndpoints?: Partial<Record<AwsService, string>> | undefined;
  region: string;
  /** undefined = the SDK's default credential chain (a profile, SSO, a role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** The services that may have an endpoint of their own, as SigV4 credential scopes name them. */
export type AwsService = 'sqs' | 'sns' | 'kinesis' | 'dynamodb' | 'cloudwatch';

/** The SDK's variable for one service's endpoint: its service id, upper-cased (`AWS_ENDPOINT_URL_DYNAMODB`). */
export const serviceEndpointVariable = (service: AwsService) => `AWS_ENDPOINT_URL_${service.toUpperCase()}`;

/** Where a client of `service` sends its calls: the service's own endpoint, else the shared one. */
export function endpointOf(access: AwsAccess, service?: AwsService): string | undefined {
  return (service === undefined ? undefined : access.serviceEndpoints?.[service]) ?? access.endpoint;
}

/**
 * The part of any SDK v3 client's configuration that says where and as whom:
 * `new SQSClient(awsClientConfig(a, 'sqs'))`. Without a service, the shared endpoint.
 */
export function awsClientConfig(
  access: AwsAccess,
  service?: AwsService,
): {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
} {
  const endpoint = endpointOf(access, service);
  return {
    region: access.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(access.credentials === undefined ? {} : { credentials: access.credentials }),
  };
}

/** The same access as the variables a child process's SDK reads at start-up (its environment is its only input). */
export function awsAccessEnv(access: AwsAccess): Record<string, string> {
  return {
    AWS_REGION: access.region,
    ...(access.endpoint === undefined ? {} : { AWS_ENDPOINT_URL: access.endpoint }),
    ...Object.fromEntries(
      Object.entries(access.serviceEndpoints ?? {}).map(([service, url]) => [
        serviceEndpointVariable(service as AwsService),
        url,
      ]),
    ),
    ...(access.credentials === undefined
      ? {}
      : {
          AWS_ACCESS_KEY_ID: access.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: access.credentials.secretAccessKey,
        }),
  };
}
