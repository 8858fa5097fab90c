import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { boundedAwsClient } from '../../../shared/aws-client.ts';
import { requireEnv } from '../../../shared/env.ts';
import { changeConsumer } from '../change-consumer.ts';
import { customerOrders } from './customer-orders.ts';
import { ordersCsv, reportKey, reportRequest } from './order-report.ts';

const bucket = requireEnv('REPORTS_BUCKET');
const viewTable = requireEnv('ORDER_VIEW_TABLE');
// One invocation's bound: a customer's newest orders up to this many (the object says when it is truncated).
const maxOrders = Number(requireEnv('REPORT_MAX_ORDERS'));
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(boundedAwsClient));
const s3 = new S3Client(boundedAwsClient);

export const handler = changeConsumer('report-export', async (message) => {
  const request = reportRequest(message);
  const { orders, truncated } = await customerOrders(doc, viewTable, request.customerId, maxOrders);
  const key = reportKey(request);
  // The key is the request's own, so a retry after a failure overwrites the same object with the same report.
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: ordersCsv(orders),
      ContentType: 'text/csv; charset=utf-8',
      Metadata: {
        'requested-by': request.requestedBy,
        orders: String(orders.length),
        truncated: String(truncated),
      },
    }),
  );
  return `exported ${orders.length} orders to s3://${bucket}/${key}${truncated ? ' (truncated)' : ''}`;
});
