import { synthTemplate } from '../../cdk/lib/synth.ts';
import {
  COST_DOC,
  committedCostSection,
  costReport,
  pricedContext,
  renderCostSection,
  writeCostSection,
} from './cost-doc.ts';
import { total } from './estimate.ts';

// `npm run cost`: synthesizes the stack (default and each priced variant), counts what it bills for, prices it and
// prints the guide's cost section with the idle and per-rate totals. `-- --rate <orders/s>` (default 10),
// `--json` for the figures, `--write` to regenerate docs/deploy.md's section, `--check` to fail when it is stale.
const args = process.argv.slice(2);
const rateArg = args.indexOf('--rate');
const rate = rateArg >= 0 ? Number(args[rateArg + 1]) : 10;
if (!(rate > 0)) {
  console.error('--rate takes a positive number of orders per second');
  process.exit(2);
}
const report = costReport((context) => synthTemplate({ context: pricedContext(context) }), rate);
if (args.includes('--json')) {
  console.log(
    JSON.stringify(
      { ...report, idleTotal: total(report.idle), perRateTotal: total(report.perRate) },
      null,
      2,
    ),
  );
  process.exit(0);
}
const section = renderCostSection(report);
if (args.includes('--check') || args.includes('--write')) {
  if (rate !== 10) throw new Error(`${COST_DOC} is priced at 10 orders/s; --write/--check take no --rate`);
  const current = committedCostSection() === section;
  if (args.includes('--check')) {
    console.log(
      current
        ? `${COST_DOC}: cost section current`
        : `${COST_DOC}: cost section stale; run npm run cost -- --write`,
    );
    process.exit(current ? 0 : 1);
  }
  if (!current) writeCostSection(section);
  console.log(current ? `${COST_DOC}: cost section current` : `wrote ${COST_DOC}`);
} else console.log(section);
