/** Turns samples into medians, ratios and target checks; renders the markdown tables. */
import { median, spreadPct } from './stats.js';
import type { Comparison, Sample, Target, Tool, Workload } from './types.js';

export interface ToolResult {
  name: string;
  role: string;
  /** 'ok', 'n/a (why)' or 'error: …'. */
  status: string;
  runs: number;
  median: number | undefined;
  spreadPct: number | undefined;
  /** Client CPU per request in µs (per MB for MB/s workloads, per run for ms workloads). */
  cpuPerOp: number | undefined;
  /** The best run (highest rate, lowest time): interference on a shared machine only ever slows a run down. */
  best: number | undefined;
  /** Median of the runs' peak RSS, MB. */
  rssMB: number | undefined;
  /** Highest peak RSS over the runs, MB. */
  rssMaxMB: number | undefined;
  samples: Sample[];
}

export interface ComparisonResult {
  a: string;
  b: string;
  /** a ÷ b of the metric medians; undefined when one side has no figure. */
  ratio: number | undefined;
  /** Median over the rounds of a ÷ b within the round (runs next to each other share the machine's mood). */
  pairedRatio: number | undefined;
  /** a ÷ b of the best runs. */
  bestRatio: number | undefined;
  /** a ÷ b of CPU per operation. */
  cpuRatio: number | undefined;
  /** Median over the rounds of a ÷ b of CPU per operation within the round. */
  pairedCpuRatio: number | undefined;
  why: string | undefined;
  targets: Array<{ text: string; met: boolean | undefined }>;
  note: string | undefined;
}

export interface WorkloadResult {
  name: string;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  seconds: number;
  tools: ToolResult[];
  comparisons: ComparisonResult[];
}

export function fmtValue(v: number | undefined, unit: string): string {
  if (v === undefined) return 'n/a';
  if (unit === 'req/s') return v >= 1000 ? `${(v / 1000).toFixed(1)}k req/s` : `${v.toFixed(0)} req/s`;
  if (unit === 'MB/s') return `${v.toFixed(0)} MB/s`;
  return `${v.toFixed(1)} ms`;
}

function cpuUnit(unit: string): string {
  return unit === 'req/s' ? 'µs/req' : unit === 'MB/s' ? 'µs/MB' : 'ms/run';
}

function opsOf(s: Sample, unit: string): number {
  return unit === 'req/s' ? s.requests : unit === 'MB/s' ? s.bytes / 1e6 : 1000; // ms/run: µs → ms
}

export function summarize(w: Workload, tools: Tool[], samples: Map<string, Sample[]>, status: Map<string, string>): WorkloadResult {
  const unit = w.metric.unit;
  const toolResults: ToolResult[] = tools.map((t) => {
    const ss = samples.get(t.name) ?? [];
    const st = status.get(t.name) ?? (ss.length ? 'ok' : 'error: no runs');
    const has = ss.length > 0 && !st.startsWith('error');
    return {
      name: t.name,
      role: t.role,
      status: st,
      runs: ss.length,
      median: has ? median(ss.map((s) => s.value)) : undefined,
      spreadPct: has ? spreadPct(ss.map((s) => s.value)) : undefined,
      best: has ? (w.metric.higherIsBetter ? Math.max(...ss.map((s) => s.value)) : Math.min(...ss.map((s) => s.value))) : undefined,
      cpuPerOp: has ? median(ss.map((s) => s.cpuUs / opsOf(s, unit))) : undefined,
      rssMB: has ? median(ss.map((s) => s.maxRssKb / 1024)) : undefined,
      rssMaxMB: has ? Math.max(...ss.map((s) => s.maxRssKb / 1024)) : undefined,
      samples: ss,
    };
  });
  const byName = new Map(toolResults.map((t) => [t.name, t]));
  const comps: Comparison[] = w.comparisons
    ? w.comparisons(tools)
    : (() => {
        const d = tools.find((t) => t.role === 'dialtone');
        if (!d) return [];
        return tools.filter((t) => t !== d).map((t) => ({ a: d.name, b: t.name, targets: w.targets?.[t.name] }) as Comparison);
      })();
  const comparisons = comps.map((c): ComparisonResult => {
    const a = byName.get(c.a);
    const b = byName.get(c.b);
    let why: string | undefined;
    if (!a || a.median === undefined) why = a?.status.startsWith('n/a') ? 'n/a (not built yet)' : `n/a (${c.a}: ${a?.status.split('\n')[0] ?? 'missing'})`;
    else if (!b || b.median === undefined) why = `n/a (${c.b}: ${b?.status.split('\n')[0] ?? 'missing'})`;
    const ratio = why ? undefined : a!.median! / b!.median!;
    const paired = (f: (s: Sample) => number): number | undefined => {
      if (why) return undefined;
      const per = a!.samples.flatMap((sa) => {
        const sb = b!.samples.find((x) => x.round === sa.round);
        return sb && f(sb) > 0 ? [f(sa) / f(sb)] : [];
      });
      return per.length ? median(per) : undefined;
    };
    const pairedRatio = paired((s) => s.value);
    const pairedCpuRatio = paired((s) => s.cpuUs / opsOf(s, unit));
    const bestRatio = why ? undefined : a!.best! / b!.best!;
    const cpuRatio = why || !a!.cpuPerOp || !b!.cpuPerOp ? undefined : a!.cpuPerOp / b!.cpuPerOp;
    const rssRatio = why || !a!.rssMaxMB || !b!.rssMaxMB ? undefined : a!.rssMaxMB / b!.rssMaxMB;
    const targets = (c.targets ?? []).map((t) => checkTarget(t, ratio, cpuRatio, a?.rssMaxMB, rssRatio));
    return { a: c.a, b: c.b, ratio, pairedRatio, bestRatio, cpuRatio, pairedCpuRatio, why, targets, note: c.note };
  });
  return { name: w.name, title: w.title, unit, higherIsBetter: w.metric.higherIsBetter, seconds: 0, tools: toolResults, comparisons };
}

function checkTarget(
  t: Target,
  ratio: number | undefined,
  cpuRatio: number | undefined,
  rssMB: number | undefined,
  rssRatio: number | undefined,
): { text: string; met: boolean | undefined } {
  const what = t.on === 'rate' ? '' : t.on === 'cpu' ? 'CPU/op ' : t.on === 'rss' ? 'peak RSS ' : 'RSS ratio ';
  const text = `${what}${t.op.replace('>=', '≥').replace('<=', '≤')} ${t.value}${t.on === 'rss' ? ' MB' : '×'}`;
  const v = t.on === 'rate' ? ratio : t.on === 'cpu' ? cpuRatio : t.on === 'rss' ? rssMB : rssRatio;
  if (v === undefined) return { text, met: undefined };
  const met = t.op === '>=' ? v >= t.value : t.op === '<=' ? v <= t.value : v < t.value;
  return { text, met };
}

function num(v: number | undefined, digits = 1): string {
  return v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

export function renderMarkdown(results: WorkloadResult[], machine: Record<string, unknown>): string {
  const lines: string[] = [];
  lines.push(`Run ${machine['date']} on ${machine['cpus']}, ${machine['memGiB']} GiB, ${machine['host']}, Node ${machine['node']}` +
    `${machine['quick'] ? ', --quick' : ''}${machine['complete'] === false ? ' (interrupted: partial results)' : ''}; load average ${JSON.stringify(machine['loadAvgStart'])} at the start, ${JSON.stringify(machine['loadAvgEnd'])} at the end.`);
  lines.push('');
  lines.push('### Ratios (dialtone ÷ peer, same run; for ms rows lower is better)');
  lines.push('');
  lines.push('ratio = of the medians (targets are checked on it); paired = median of the per-round ratios; best = of the best runs; CPU/op ratio = of the medians (paired in brackets).');
  lines.push('');
  lines.push('| workload | vs | ratio | paired | best | CPU/op ratio | dialtone (a) | peer (b) | target |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const byName = new Map(r.tools.map((t) => [t.name, t]));
    for (const c of r.comparisons) {
      const a = byName.get(c.a);
      const b = byName.get(c.b);
      const ratio = c.ratio === undefined ? (c.why ?? 'n/a') : `**${c.ratio.toFixed(2)}×**`;
      const cpu = c.cpuRatio === undefined ? '–' : `${c.cpuRatio.toFixed(2)}×${c.pairedCpuRatio === undefined ? '' : ` (${c.pairedCpuRatio.toFixed(2)}×)`}`;
      const tg = c.targets.map((t) => `${t.text} ${t.met === undefined ? '' : t.met ? '✓' : '✗'}`.trim()).join(', ') || '–';
      const vs = c.a === 'dialtone' || c.a === 'dialtone (dial)' ? c.b : `${c.a} ÷ ${c.b}`;
      const x = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(2)}×`);
      lines.push(
        `| ${r.name} | ${vs} | ${ratio} | ${x(c.pairedRatio)} | ${x(c.bestRatio)} | ${cpu} | ${fmtValue(a?.median, r.unit)} | ${fmtValue(b?.median, r.unit)} | ${tg} |`,
      );
    }
  }
  lines.push('');
  lines.push('### Every tool (median of the rounds; spread = ± half the min–max range)');
  lines.push('');
  lines.push('| workload | tool | median | spread | best | client CPU | peak RSS MB | runs | status |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const t of r.tools) {
      const status = t.status === 'ok' ? 'ok' : t.status.split('\n')[0]!.slice(0, 80);
      lines.push(
        `| ${r.name} | ${t.name} | ${fmtValue(t.median, r.unit)} | ${t.spreadPct === undefined ? '–' : `±${t.spreadPct.toFixed(1)} %`} | ${fmtValue(t.best, r.unit)} | ` +
          `${t.cpuPerOp === undefined ? '–' : `${num(t.cpuPerOp)} ${cpuUnit(r.unit)}`} | ${num(t.rssMB)} | ${t.runs} | ${status} |`,
      );
    }
  }
  return lines.join('\n');
}
