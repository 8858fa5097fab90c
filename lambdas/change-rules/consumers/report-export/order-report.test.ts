import { describe, expect, it } from 'vitest';
import type { Order } from '../../../orders/order.ts';
import type { RuleMessage } from '../../rule-message.ts';
import { csvField, InvalidReportRequestError, ordersCsv, reportKey, reportRequest } from './order-report.ts';

const message = (after: Record<string, unknown> | null): RuleMessage => ({
  changeId: '0f6b7c3e-6a53-5f0a-9f43-1a2b3c4d5e6f',
  rule: 'report-export',
  table: 'report_requests',
  op: 'insert',
  key: 'r-1',
  lsn: 42,
  txId: 7,
  committedAt: '2026-12-07T02:00:00.000Z',
  before: null,
  after,
  changedColumns: null,
  role: null,
});

const order = (id: string, createdAt: string, extra: Partial<Order> = {}): Order => ({
  id,
  customerId: 'c1',
  status: 'confirmed',
  currency: 'EUR',
  totalCents: 1250,
  items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 1250 }],
  version: 2,
  createdAt,
  updatedAt: createdAt,
  ...extra,
});

describe('reportRequest', () => {
  it('reads the request from the inserted row', () => {
    expect(reportRequest(message({ id: 'r-1', customer_id: 'c1', requested_by: 'ops' }))).toEqual({
      requestId: 'r-1',
      customerId: 'c1',
      requestedBy: 'ops',
    });
  });

  it('rejects a row without a customer, naming the change and the column', () => {
    const read = () => reportRequest(message({ id: 'r-1', requested_by: 'ops' }));
    expect(read).toThrow(InvalidReportRequestError);
    expect(read).toThrow(/0f6b7c3e.*customer_id/);
  });

  it('rejects a change without an after image', () => {
    expect(() => reportRequest(message(null))).toThrow(InvalidReportRequestError);
  });
});

describe('reportKey', () => {
  it('is one object per request, under the customer, with the customer id encoded', () => {
    expect(reportKey({ requestId: 'r-1', customerId: 'acme/eu west', requestedBy: 'ops' })).toBe(
      'reports/acme%2Feu%20west/r-1.csv',
    );
  });
});

describe('ordersCsv', () => {
  it('writes a header and one row per order, oldest first, CRLF line ends', () => {
    const csv = ordersCsv([
      order('o-2', '2026-12-07T02:00:02.000Z', { status: 'pending' }),
      order('o-1', '2026-12-07T02:00:01.000Z'),
    ]);
    expect(csv).toBe(
      'order_id,status,currency,total_cents,line_items,created_at,updated_at\r\n' +
        'o-1,confirmed,EUR,1250,1,2026-12-07T02:00:01.000Z,2026-12-07T02:00:01.000Z\r\n' +
        'o-2,pending,EUR,1250,1,2026-12-07T02:00:02.000Z,2026-12-07T02:00:02.000Z\r\n',
    );
  });

  it('is only the header for a customer with no orders', () => {
    expect(ordersCsv([])).toBe('order_id,status,currency,total_cents,line_items,created_at,updated_at\r\n');
  });
});

describe('csvField', () => {
  it('leaves plain text alone', () => {
    expect(csvField('o-1')).toBe('o-1');
  });

  it('quotes separators, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses a value a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});
