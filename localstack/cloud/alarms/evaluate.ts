/**
 * CloudWatch alarm evaluation as AWS documents it, as a pure function: the last `evaluationPeriods` periods,
 * "M of N" (`datapointsToAlarm` of `evaluationPeriods`), and `TreatMissingData`:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data
 *
 * - `breaching` / `notBreaching`: a missing period counts as breaching / not breaching.
 * - `missing` / `ignore`: missing periods count as neither. With no datapoint at all in the range the alarm goes to
 *   INSUFFICIENT_DATA (`missing`) or keeps its state (`ignore`). With some, it goes to ALARM when at least M
 *   present periods breach — or, when fewer than M are present, when all present ones breach (the documented
 *   "- - X - -" → ALARM row) — and to OK otherwise.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';
export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export interface AlarmRule {
  threshold: number;
  comparisonOperator: ComparisonOperator;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
}

/** The aggregated value of each period of the evaluation range, oldest first; `null` = no datapoint. */
export type PeriodValues = ReadonlyArray<number | null>;

export interface Evaluation {
  state: AlarmState;
  /** Breaching periods counted (after missing-data treatment) and periods considered. */
  breaching: number;
  considered: number;
  reason: string;
}

export function breaches(value: number, rule: Pick<AlarmRule, 'threshold' | 'comparisonOperator'>): boolean {
  switch (rule.comparisonOperator) {
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
  }
}

/** Evaluates the last `evaluationPeriods` entries of `values` against the rule. */
export function evaluateAlarm(rule: AlarmRule, values: PeriodValues, current: AlarmState): Evaluation {
  const range = values.slice(-rule.evaluationPeriods);
  while (range.length < rule.evaluationPeriods) range.unshift(null);
  const m = rule.datapointsToAlarm;
  const present = range.filter((v): v is number => v !== null);
  const shown = range.map((v) => (v === null ? '-' : breaches(v, rule) ? 'X' : '0')).join(' ');
  const describe = (state: AlarmState, breaching: number, considered: number): Evaluation => ({
    state,
    breaching,
    considered,
    reason: `${breaching} of ${considered} periods breaching (${m} of ${rule.evaluationPeriods} to alarm, missing data: ${rule.treatMissingData}) [${shown}] ${rule.comparisonOperator} ${rule.threshold}`,
  });

  if (rule.treatMissingData === 'breaching' || rule.treatMissingData === 'notBreaching') {
    const fill = rule.treatMissingData === 'breaching';
    const count = range.filter((v) => (v === null ? fill : breaches(v, rule))).length;
    return describe(count >= m ? 'ALARM' : 'OK', count, range.length);
  }
  if (present.length === 0)
    return describe(rule.treatMissingData === 'ignore' ? current : 'INSUFFICIENT_DATA', 0, 0);
  const count = present.filter((v) => breaches(v, rule)).length;
  const alarm = count >= m || (present.length < m && count === present.length);
  return describe(alarm ? 'ALARM' : 'OK', count, present.length);
}
