import { useQuery } from '@tanstack/react-query';
import { ApiError, type Gauge, onCallGauges } from './api.ts';
import { formatValue as format, rangeText, thresholdText } from './gauge-format.ts';
import type { Session } from './session.ts';

const pollMs = 5000;
/** The runbooks' entry page: triage from these gauges, fix order, database access, checklist after a fix. */
const entryRunbook = '/docs/runbooks/README.md';

const stateLabel: Record<Gauge['state'], string> = {
  OK: 'OK',
  ALARM: 'ALARM',
  INSUFFICIENT_DATA: 'Insufficient data',
  NO_ALARM: 'No alarm defined yet',
};

/**
 * The four gauges, live: each a chart of the last hour with its alarm thresholds, the current value and the alarm
 * state as a badge; the alarms' own words one click away; a runbook link each.
 */
export function OnCallPage(props: { session: Session; onSignOut: () => void }) {
  const gauges = useQuery({
    queryKey: ['oncall-gauges'],
    queryFn: () => onCallGauges(props.session.token),
    refetchInterval: pollMs,
    retry: (n, e) => n < 2 && !(e instanceof ApiError && e.status < 500),
  });
  const forbidden = gauges.error instanceof ApiError && gauges.error.status === 403;
  return (
    <>
      <header className="bar oncall">
        <h1>On-call panel</h1>
        <span className="who">
          <strong>{props.session.customerId}</strong>{' '}
          <button type="button" className="link" onClick={props.onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        <p className="hint">
          <a href={entryRunbook} target="_blank" rel="noreferrer" data-testid="entry-runbook">
            Start here: the on-call runbook
          </a>{' '}
          — what each gauge means, which to fix first, how to reach the database, what to check after a fix.
        </p>
        {forbidden && (
          <p role="alert" className="error">
            This page needs the on-call role.
          </p>
        )}
        {gauges.isError && !forbidden && (
          <p role="alert" className="error">
            Could not read the gauges: {(gauges.error as Error).message}
          </p>
        )}
        {gauges.isPending && <p className="hint">Loading gauges…</p>}
        {gauges.data && (
          <>
            <p className="hint" aria-live="polite">
              Updated {new Date(gauges.data.generatedAt).toLocaleTimeString()} · refreshes every{' '}
              {pollMs / 1000} s · charts: {rangeText(gauges.data.range)}
            </p>
            <div className="gauges">
              {gauges.data.gauges.map((g) => (
                <GaugeCard key={g.id} gauge={g} />
              ))}
            </div>
          </>
        )}
      </main>
    </>
  );
}

function GaugeCard({ gauge }: { gauge: Gauge }) {
  const headingId = `gauge-${gauge.id}`;
  return (
    <section
      className={`card gauge state-${gauge.state}`}
      aria-labelledby={headingId}
      data-testid="gauge"
      data-gauge={gauge.id}
      data-state={gauge.state}
    >
      <h2 id={headingId}>{gauge.title}</h2>
      <p className="reading">
        <span className={`badge alarm-${gauge.state}`} data-testid="gauge-state">
          {stateLabel[gauge.state]}
        </span>{' '}
        <span className="value" data-testid="gauge-value">
          {gauge.value === null ? 'no data yet' : format(gauge.value, gauge.unit)}
          {gauge.cap !== null && (
            <span className="cap">
              {' '}
              of {format(gauge.cap, gauge.unit)} cap
              {gauge.capShare !== null && ` (${(gauge.capShare * 100).toFixed(1)} %)`}
            </span>
          )}
        </span>
      </p>
      <div
        className="chart"
        role="img"
        aria-label={`${gauge.title}: the last hour, with ${gauge.thresholds.length} threshold lines`}
        data-testid="gauge-chart"
        data-thresholds={gauge.thresholds.length}
        // The API renders this SVG with Vega from numbers and its own labels (escaped as text); it holds no script
        // or style attribute, so it shows under the page's strict Content-Security-Policy.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: our own API's SVG chart, see above
        dangerouslySetInnerHTML={{ __html: gauge.chart }}
      />
      <details data-testid="gauge-details">
        <summary>
          Details: {gauge.alarms.length === 1 ? '1 alarm' : `${gauge.alarms.length} alarms`},{' '}
          {gauge.series.length} series
        </summary>
        {gauge.thresholds.length > 0 && (
          <ul className="thresholds">
            {gauge.thresholds.map((t) => (
              <li key={`${t.kind}${t.comparison}${t.value}`}>{thresholdText(t, gauge.unit)}</li>
            ))}
          </ul>
        )}
        {gauge.alarms.length > 0 && (
          <ul className="alarms">
            {gauge.alarms.map((a) => (
              <li key={a.name}>
                <strong>{a.name}</strong>: {a.state}
                {a.reason && <span className="hint"> — {a.reason}</span>}
              </li>
            ))}
          </ul>
        )}
        {gauge.series.length > 0 && (
          <ul>
            {gauge.series.map((s) => (
              <li key={`${s.metricName}${JSON.stringify(s.dimensions)}`}>
                {Object.values(s.dimensions).join(' / ') || s.metricName}: {format(s.value, gauge.unit)}
              </li>
            ))}
          </ul>
        )}
      </details>
      <p>
        <a href={`/${gauge.runbook}`} target="_blank" rel="noreferrer" data-testid="gauge-runbook">
          Runbook: {gauge.runbook}
        </a>
      </p>
    </section>
  );
}
