/** A fault was asked of a part that has no live process (not started, or already killed and not restarted). */
export class FaultTargetError extends Error {
  override name = 'FaultTargetError';
  constructor(readonly target: string) {
    super(`${target} has no running process to inject a fault into`);
  }
}
