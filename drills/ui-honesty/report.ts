import type { ReadableReport, Report } from '../kit/report.ts';
import { PENDING_BUDGET_MS } from './verdict.ts';

/** The Markdown report: what was broken, what the page showed against Postgres, and the screenshots. */
export function readable(
  report: Report,
  shots: Record<string, string>,
  gatewayLatencyMs: number,
): ReadableReport {
  const m = report.metrics;
  return {
    title: 'Drill: ui-honesty — the customer’s screen never claims what the system has not reached',
    summary: [
      `Debian's Chromium, headless, driven by playwright-core, on a phone-sized window (412×915), against the whole local cloud, with the payment gateway stand-in slowed on purpose (every charge +${gatewayLatencyMs} ms) so each order spends a visible while pending. ${m.orders} orders were placed through the page: single clicks (one of them at the gateway's decline amount), one **double click** (two clicks in one task, before React re-renders), and one **lost answer** (the first POST reached the API and created the order, then its response was dropped by the browser's network layer; the page retried with the same Idempotency-Key).`,
      `A MutationObserver installed before the app stamped every change of an order row's status, and every submit click, with the clock Postgres also uses. **Pending shown**: click → the row with the id the API returned, p99 **${m.pendingShownMsP99} ms** (budget ${PENDING_BUDGET_MS} ms; max ${m.pendingShownMsMax} ms); the lost-answer order, which needs a retry after the network error, showed after ${m.pendingShownAfterLostAnswerMs} ms. **Premature confirmations**: each time the page showed \`confirmed\`, the order's row in Postgres had to be \`confirmed\` with an \`updated_at\` (the confirming transaction) no later than that moment: **${m.prematureConfirmations}**. **Refetch during the window**: while each order was placed, the order view's change feed was held (its event-source mapping paused, as a slow CDC path would), so the consistency window was certain; right after the order showed, the list (\`GET /orders\`, the order view) was refetched with the Refresh button: ${m.refetchesInsideWindow}/${m.orders} of those lists did not contain the new order, and orders lost from the page: **${m.ordersLostOnRefetch}**. **Duplicates**: orders in Postgres minus submits = **${m.duplicateOrders}**. The declined order showed "Payment failed": ${m.paymentFailureShown}.`,
      `The on-call panel (its own sign-in with the \`oncall\` role) showed the four gauges exactly as \`GET /oncall/gauges\` returned them (state, value or "no data yet", runbook link), before and after the drill published figures and probe alarm states: ${m.onCallPanelMatchesApi}. Gauges without data say so rather than showing zero. Charts of the last hour (the local cloud's alarm clock runs 12× faster, so 5 minutes in 5 s steps) drawn with their threshold rules: **${m.onCallChartsWithThresholds}/4**.`,
    ].join('\n\n'),
    sections: [
      { heading: 'Order page during the window (pending)', body: `![orders pending](${shots.pending})` },
      { heading: 'Order page after the pipeline caught up', body: `![orders settled](${shots.orders})` },
      {
        heading: 'On-call panel before anything publishes (honest: no data yet)',
        body: `![on-call panel, empty](${shots.oncallEmpty})`,
      },
      {
        heading: 'On-call panel after poison on the payment queue',
        body: `The local cloud publishes what AWS would (the consumers' and the slot monitor's EMF metrics, the queues' depths) and evaluates the template's alarms; the drill also published this run's figures and two probe alarms. Then it put malformed messages on the payment queue: the consumer quarantined them to its DLQ (DLQ depth) and reported their age at receive (consumer lag). Each chart draws a dashed rule per alarm threshold, red when an alarm on it fires.\n\n![on-call panel](${shots.oncall})`,
      },
    ],
  };
}
