/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header): version, trace id,
 * parent id and flags, lower-case hex. Version ff is invalid, and so are all-zero ids.
 * Only version 00's exact shape is accepted: a later version may append fields, but storing text we cannot read
 * buys nothing, and a bounded shape keeps an 8 KB header out of the outbox.
 */
const traceparentPattern = /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The header as stored with the event when it is a valid `traceparent`; null for anything else (absent, empty, huge). */
export function traceContextOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim();
  return traceparentPattern.test(value) ? value : null;
}
