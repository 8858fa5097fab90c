/** A stack output the caller asked for is not in this cloud's template (a renamed output, or a typo). */
export class MissingOutputError extends Error {
  override readonly name = 'MissingOutputError';
  constructor(readonly outputId: string) {
    super(`stack output ${outputId} is missing from the local cloud's template`);
  }
}
