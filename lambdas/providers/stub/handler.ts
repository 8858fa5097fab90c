import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answer } from './answer.ts';

const logger = new Logger();

/** The stub providers behind a Lambda function URL (payload 2.0): decodes the request, answers, logs the effect. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const body =
      event.body === undefined
        ? ''
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body;
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const result = answer({
      method: event.requestContext.http.method,
      path: event.rawPath,
      headers,
      body,
    });
    // The log is the sandbox's record of what would have been charged, reserved or sent.
    logger.info('stub provider answered', {
      path: event.rawPath,
      status: result.status,
      effect: result.effect,
    });
    return {
      statusCode: result.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(result.body),
    };
  });
