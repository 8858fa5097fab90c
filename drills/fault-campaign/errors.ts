/** The drill cloud lacks a part the campaign must hit (an external database or endpoint, or CDC off). */
export class CampaignSetupError extends Error {
  override name = 'CampaignSetupError';
  constructor(readonly missing: string[]) {
    super(`the fault campaign needs its own local ${missing.join(', ')}`);
  }
}

/** The payment gateway stand-in refused a fault setting. */
export class GatewayFaultError extends Error {
  override name = 'GatewayFaultError';
  constructor(
    readonly mode: string,
    readonly status: number,
  ) {
    super(`payment gateway /_faults answered ${status} for mode ${mode}`);
  }
}
