/** Characters of a third party's response body kept for logs and error messages. Default 200. */
export const logExcerptChars = 200;

/**
 * The start of an untrusted body, for a log line: enough to recognise the error, never the whole body (which
 * may be megabytes, or echo card data back).
 */
export function logExcerpt(text: string, max = logExcerptChars): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
