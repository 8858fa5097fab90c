import { z } from 'zod';
import type { Order } from '../../../orders/order.ts';
import { describeIssues } from '../../../shared/debezium-record.ts';
import { ChangeRuleError } from '../../errors.ts';
import type { RuleMessage } from '../../rule-message.ts';

/** A `report_requests` row, as the `report-export` rule routes it (its `columns`). */
const reportRequestSchema = z.object({
  id: z.string().min(1),
  customer_id: z.string().min(1),
  requested_by: z.string().min(1),
});

export interface ReportRequest {
  requestId: string;
  customerId: string;
  requestedBy: string;
}

/** A report request that can never be exported (no customer, no id): the message is poison, not late. */
export class InvalidReportRequestError extends ChangeRuleError {
  override name = 'InvalidReportRequestError';
  constructor(
    readonly changeId: string,
    readonly reason: string,
  ) {
    super(`report request in change ${changeId} cannot be exported: ${reason}`);
  }
}

/** The request a `report_requests` insert carries. */
export function reportRequest(message: RuleMessage): ReportRequest {
  const parsed = reportRequestSchema.safeParse(message.after);
  if (!parsed.success) throw new InvalidReportRequestError(message.changeId, describeIssues(parsed.error));
  return {
    requestId: parsed.data.id,
    customerId: parsed.data.customer_id,
    requestedBy: parsed.data.requested_by,
  };
}

/**
 * Where the export lands: one object per request, so a retried export overwrites its own file and never
 * another's. The customer id is URI-encoded because it is free text (1-128 characters).
 */
export function reportKey(request: ReportRequest): string {
  return `reports/${encodeURIComponent(request.customerId)}/${request.requestId}.csv`;
}

export const REPORT_COLUMNS = [
  'order_id',
  'status',
  'currency',
  'total_cents',
  'line_items',
  'created_at',
  'updated_at',
] as const;

/** A customer's orders as RFC 4180 CSV, oldest first, with a header row and CRLF line ends. */
export function ordersCsv(orders: readonly Order[]): string {
  const rows = [...orders]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .map((o) => [
      o.id,
      o.status,
      o.currency,
      String(o.totalCents),
      String(o.items.length),
      o.createdAt,
      o.updatedAt,
    ]);
  return [[...REPORT_COLUMNS], ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/**
 * One CSV field. Quoted when it holds a separator, a quote or a line break (RFC 4180). A field a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'` (OWASP's advice on CSV injection): ids
 * are free text, and the file is opened by people.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
