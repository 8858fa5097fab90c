/** A client-facing error: its status, a stable machine-readable code, and what to fix. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new HttpProblem(400, code, message, details);
