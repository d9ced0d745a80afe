/** The charts page: the data as JSON for the client script, which draws it with uPlot. */
import type { ChartData } from '../../core/dashboard/chart-data.ts';
import { h, jsonBlock, type Markup } from './html.ts';

export const CHARTS_HEAD: Markup = h`
<link rel="stylesheet" href="/app/assets/uplot.css"><script defer src="/app/assets/uplot.js"></script>`;

export function chartsBody(projectId: string, data: ChartData): Markup {
  return h`<h1>${projectId} · charts</h1>
<script type="application/json" id="chart-data">${jsonBlock(data)}</script>
<section><h2>Cycle time per week (hours, p50 / p90)</h2><div class="chart" id="chart-cycle"></div></section>
<section><h2>Time per stage (mean hours per task finished that week)</h2><div class="chart" id="chart-stages"></div></section>
<section><h2>Rollbacks per stage</h2><div class="chart" id="chart-rollbacks"></div></section>
<section><h2>Agent time per role (hours)</h2><div class="chart" id="chart-agents"></div></section>
<section><h2>Escalations per week</h2><div class="chart" id="chart-escalations"></div></section>`;
}
