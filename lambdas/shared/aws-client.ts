/**
 * Options for every AWS SDK client a function makes: each call is bounded well inside the function's timeout.
 * The SDK's default Node handler has no request timeout at all, so a frozen endpoint (a DynamoDB brown-out, a
 * black-holed VPC endpoint) would hang the call until the Lambda itself timed out, with no reason logged.
 * Endpoint and region still come from the environment (AWS_ENDPOINT_URL locally).
 */
export const boundedAwsClient = {
  // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes
  // and the call goes on hanging: the bound would be in name only (aws-client.it.test.ts).
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  // The SDK's own retries (standard mode, with backoff) stay short: outages are the failure policy's business.
  maxAttempts: 2,
} as const;

/** The longest one call with `boundedAwsClient` can take: every attempt connecting and then waiting its limit. */
export const awsCallBoundMs =
  boundedAwsClient.maxAttempts *
  (boundedAwsClient.requestHandler.connectionTimeout + boundedAwsClient.requestHandler.requestTimeout);
