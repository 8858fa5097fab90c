/**
 * The ISO 4217 currency codes in use, as the runtime's ICU data (Unicode CLDR) lists them: a list, so `ABC` or
 * `XXX` is refused although it looks like a code. Read once; the list changes only with the Node.js runtime.
 */
export const iso4217Codes: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export function isIso4217(code: string): boolean {
  return iso4217Codes.has(code);
}
