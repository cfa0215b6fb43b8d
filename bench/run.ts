/**
 * `npm run bench` — runs every workload in bench/workloads/, each tool in its
 * own child process, alternating tools round by round (ABAB…, the order
 * rotating each round), and reports medians, spreads and the ratios of
 * dialtone against each peer measured in the same run.
 *
 *   node dist/bench/run.js [--quick] [--only name[,name…]] [--rounds N] [--out file] [--list]
 *                          [--cpu-prof dir]   (node --cpu-prof for the dialtone clients; read with profile-summary.js)
 *
 * Writes bench/results.json (every sample) and prints markdown tables.
 * Exits 1 when a workload errored (a tool crashed or reported nonsense);
 * a dialtone client that is not built yet is "n/a", not an error.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunningServer } from '../test/interop/harness.js';
import type { TestPKI } from '../test/interop/ca.js';
import { makeTestPKI } from '../test/interop/ca.js';
import { makeFiles, startNginx, startVsftpd, warmBigFile } from './lib/servers.js';
import { runTool } from './lib/spawn.js';
import { fmtValue, renderMarkdown, summarize, type WorkloadResult } from './lib/report.js';
import type { BenchContext, Sample, Workload } from './lib/types.js';

const here = dirname(fileURLToPath(import.meta.url)); // <out>/bench
const out = dirname(here);

/** The source tree: the nearest folder above the compiled harness holding bench/config. */
function findRepo(): string {
  if (process.env['DIALTONE_BENCH_REPO']) return process.env['DIALTONE_BENCH_REPO'];
  let dir = here;
  for (;;) {
    if (existsSync(join(dir, 'bench', 'config', 'nginx.conf')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the repository (bench/config/nginx.conf) above ' + here);
    dir = up;
  }
}

async function loadWorkloads(repo: string): Promise<Workload[]> {
  const dir = join(here, 'workloads');
  // Only compiled files whose source still exists: tsc leaves the output of a renamed or deleted source behind.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.js') && existsSync(join(repo, 'bench', 'workloads', f.replace(/\.js$/, '.ts'))))
    .sort();
  const list: Workload[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: Workload };
    if (!mod.default) throw new Error(`bench: ${f} has no default export (a Workload)`);
    if (list.some((w) => w.name === mod.default!.name)) throw new Error(`bench: two workloads are named ${mod.default.name}`);
    list.push(mod.default);
  }
  return list;
}

function fmtSec(s: number): string {
  return s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      list: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      report: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  if (values.report) {
    // Re-render the tables of a results file (a finished or an interrupted run).
    const { readFileSync } = await import('node:fs');
    const r = JSON.parse(readFileSync(values.report, 'utf8')) as { machine: Record<string, unknown>; workloads: WorkloadResult[] };
    console.log(renderMarkdown(r.workloads, r.machine));
    return 0;
  }
  const repo = findRepo();
  let workloads = await loadWorkloads(repo);
  if (values.list) {
    for (const w of workloads) console.log(`${w.name.padEnd(22)} ${w.title}`);
    return 0;
  }
  if (values.only) {
    const want = values.only.split(',').map((s) => s.trim());
    const unknown = want.filter((n) => !workloads.some((w) => w.name === n));
    if (unknown.length) throw new Error(`bench: no workload named ${unknown.join(', ')} (see --list)`);
    workloads = workloads.filter((w) => want.includes(w.name));
  }
  const roundsOverride = values.rounds ? Number(values.rounds) : undefined;
  const resultsPath = values.out ?? join(repo, 'bench', 'results.json');

  const started = new Date();
  const load0 = loadavg();
  const t0 = Date.now();
  const needs = new Set(workloads.flatMap((w) => w.needs));
  const bigSize = quick ? 64 * 1024 * 1024 : 1024 * 1024 * 1024;
  console.error(`bench: ${workloads.length} workloads${quick ? ' (--quick)' : ''}; generating files (big.bin ${bigSize / 2 ** 20} MiB, sparse)…`);
  const files = makeFiles(bigSize);
  let pki: TestPKI | undefined;
  let nginx: RunningServer | undefined;
  let vsftpd: RunningServer | undefined;
  let vsftpdError: string | undefined;
  const cleanup = async (): Promise<void> => {
    await nginx?.stop();
    await vsftpd?.stop();
    pki?.cleanup();
    const { rmSync } = await import('node:fs');
    rmSync(files.root, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  const results: WorkloadResult[] = [];
  try {
    if (needs.has('nginx')) {
      pki = makeTestPKI();
      nginx = await startNginx(join(repo, 'bench', 'config', 'nginx.conf'), files, pki);
      console.error(`bench: nginx on ${nginx.ports.join(', ')}`);
    }
    if (needs.has('vsftpd')) {
      try {
        vsftpd = await startVsftpd(join(repo, 'bench', 'config', 'vsftpd.conf'), files);
        console.error(`bench: vsftpd on ${vsftpd.port}`);
      } catch (err) {
        vsftpdError = (err as Error).message;
        console.error(`bench: vsftpd did not start: ${vsftpdError}`);
      }
    }
    // DIALTONE_BENCH_DIAL: another launcher (e.g. one importing a snapshot compiled elsewhere).
    const dialBin = process.env['DIALTONE_BENCH_DIAL'] ?? join(repo, 'bin', 'dial.js');
    const ctx: BenchContext = {
      quick,
      repo,
      out,
      node: process.execPath,
      client: (name) => join(here, 'clients', `${name}.js`),
      http: nginx ? `http://127.0.0.1:${nginx.ports[0]}` : 'http://127.0.0.1:9',
      https: nginx ? `https://localhost:${nginx.ports[1]}` : 'https://localhost:9',
      caPath: pki?.ca.certPath ?? '',
      ftp: vsftpd ? `ftp://127.0.0.1:${vsftpd.port}` : 'ftp://127.0.0.1:9',
      bigSize,
      smallFiles: files.smallFiles,
      dialBin: existsSync(dialBin) ? dialBin : undefined,
    };

    for (const w of workloads) {
      warmBigFile(files);
      const wt0 = Date.now();
      const tools = w.tools(ctx);
      const profDir = values['cpu-prof'];
      if (profDir) {
        for (const t of tools) {
          if (t.role === 'dialtone' && t.argv[0] === process.execPath) {
            t.argv.splice(1, 0, '--cpu-prof', `--cpu-prof-dir=${join(profDir, w.name)}`);
          }
        }
      }
      const samples = new Map<string, Sample[]>(tools.map((t) => [t.name, []]));
      const status = new Map<string, string>();
      for (const t of tools) if (t.unavailable) status.set(t.name, `n/a (${t.unavailable})`);
      if (w.needs.includes('vsftpd') && !vsftpd) for (const t of tools) status.set(t.name, `error: vsftpd did not start: ${vsftpdError}`);
      const rounds = roundsOverride ?? (quick ? w.rounds.quick : w.rounds.full);
      console.error(`\n== ${w.name}: ${w.title} (${rounds} rounds × ${tools.length} tools)`);
      for (let r = 0; r < rounds; r++) {
        // Rotate the order each round, so no tool always runs first (or right after a heavy one).
        const order = tools.map((_, i) => tools[(i + r) % tools.length]!);
        const line: string[] = [];
        for (const t of order) {
          if (status.has(t.name)) continue;
          const res = await runTool(t, w, w.timeout ?? (quick ? 60 : 180), r);
          if (res.ok) {
            samples.get(t.name)!.push(res.sample);
            line.push(`${t.name} ${fmtValue(res.sample.value, w.metric.unit)}`);
          } else if (res.unavailable) {
            status.set(t.name, `n/a (${res.unavailable})`);
            line.push(`${t.name} n/a`);
          } else {
            status.set(t.name, `error: ${res.error}`);
            line.push(`${t.name} ERROR`);
            console.error(`   ${t.name} failed: ${res.error}`);
          }
        }
        console.error(`  round ${r + 1}/${rounds}: ${line.join(' · ')}`);
      }
      const result = summarize(w, tools, samples, status);
      result.seconds = (Date.now() - wt0) / 1000;
      results.push(result);
      for (const c of result.comparisons) {
        console.error(`  ${c.a} vs ${c.b}: ${c.ratio === undefined ? c.why : `${c.ratio.toFixed(2)}×`}`);
      }
      // Written after every workload, so an interrupted run still leaves its figures (--report renders them).
      writeFileSync(resultsPath, JSON.stringify({ machine: machineInfo(false), workloads: results }, null, 2) + '\n');
    }
  } finally {
    await cleanup();
  }

  const machine = machineInfo(true);
  function machineInfo(complete: boolean): Record<string, unknown> {
    return {
    complete,
    date: started.toISOString(),
    host: `${osType()} ${release()}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAvgStart: load0.map((x) => +x.toFixed(2)),
    loadAvgEnd: loadavg().map((x) => +x.toFixed(2)),
    quick,
    totalSeconds: (Date.now() - t0) / 1000,
    };
  }
  const md = renderMarkdown(results, machine);
  console.log(md);
  writeFileSync(resultsPath, JSON.stringify({ machine, workloads: results }, null, 2) + '\n');
  console.error(`bench: wrote ${resultsPath} (${fmtSec(machine['totalSeconds'] as number)})`);
  const errored = results.filter((r) => r.tools.some((t) => t.status.startsWith('error')));
  if (errored.length) {
    console.error(`bench: ${errored.length} workload(s) errored: ${errored.map((r) => r.name).join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
