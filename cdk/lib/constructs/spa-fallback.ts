import { Function as CloudFrontFunction, FunctionCode, FunctionRuntime } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';

/**
 * A viewer-request CloudFront Function for the UI's (S3) behaviour only: a path without a file extension is a
 * client-side route, so it is served `/index.html`. It replaces distribution-wide error responses, which also
 * turned the API's 403 and 404 answers into 200 + index.html.
 */
export function spaFallbackFunction(scope: Construct, id: string): CloudFrontFunction {
  return new CloudFrontFunction(scope, id, {
    comment: 'Serve index.html for client-side routes of the UI',
    runtime: FunctionRuntime.JS_2_0,
    code: FunctionCode.fromInline(`function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`),
  });
}
