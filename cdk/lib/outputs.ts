/**
 * Stack output ids: a contract. The local cloud, tests and drills look resources up by these exact names,
 * so they are created with `new CfnOutput(stack, id)` directly under the stack (logical id = id).
 */
export const OUTPUT_IDS = [
  'OrderEventsStreamName',
  'OrderChangesStreamName',
  'PaymentQueueUrl',
  'PaymentDlqUrl',
  'InventoryQueueUrl',
  'InventoryDlqUrl',
  'NotificationQueueUrl',
  'NotificationDlqUrl',
  'RouterFailureQueueUrl',
  'OrderViewFailureQueueUrl',
  'TableChangesStreamName',
  'WelcomeMailQueueUrl',
  'WelcomeMailDlqUrl',
  'AuditLogQueueUrl',
  'AuditLogDlqUrl',
  'ReportExportQueueUrl',
  'ReportExportDlqUrl',
  'ChangeRouterFailureQueueUrl',
  'AuditLogTableName',
  'ReportsBucketName',
  'IdempotencyTableName',
  'OrderViewTableName',
  'HttpApiUrl',
  'WebUrl',
] as const;

export type OutputId = (typeof OUTPUT_IDS)[number];
