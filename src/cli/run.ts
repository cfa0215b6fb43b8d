/**
 * A whole `dial` run: expand the URLs, set up tracing, the meter and the
 * header dump, run the transfers (one after another, or -Z in parallel),
 * print -w and error lines, and pick the exit code. Loaded only when there is
 * something to transfer, so `--help`/`--version` never load the library.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import { isAbsolute, join } from 'node:path';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { CliOptions } from './args.js';
import { saveCookies } from './cookies.js';
import { saveHsts } from './hsts-file.js';
import { paceStart } from './rate.js';
import { readLocal } from './data.js';
import { CliExit, EXIT, formatError } from './exit-codes.js';
import { expandGlob, substituteOutput } from './glob.js';
import type { EtagSink } from './etag.js';
import { Meter } from './meter.js';
import { remoteName } from './output.js';
import { Lookahead, PIPELINE_DEPTH, lookaheadSafe, pipelineSafe } from './pipeline.js';
import { openOptionsBuilder, prepareShared } from './request.js';
import type { createTracer as CreateTracer } from './trace.js';
import type { TraceDump } from './trace-dump.js';
import { runTransfer, type TransferEnv, type TransferJob, type TransferResult, type UrlOpen } from './transfer.js';
import { typedScheme } from './url.js';

/** The process streams a run writes to. */
export interface RunIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  version: string;
  signal: AbortSignal;
  /** Replaces urlopen (tests). */
  urlopen?: UrlOpen | undefined;
}

/** Expands globs and pairs each URL with its output file. */
export function planJobs(o: CliOptions): TransferJob[] {
  const jobs: TransferJob[] = [];
  for (const [urlnum, u] of o.urls.entries()) {
    const matches = o.globoff ? [{ url: u.url, values: [] as string[] }] : expandGlob(u.url);
    for (const m of matches) {
      let output: string | undefined;
      if (u.output !== undefined) output = u.output === '-' ? '-' : substituteOutput(u.output, m.values);
      else if (u.remoteName) output = remoteName(m.url);
      const fromUrl = u.output === undefined && u.remoteName;
      // --output-dir holds every file a relative -o or -O names (curl's rule; an absolute -o stays where it says).
      if (o.outputDir && output !== undefined && output !== '-' && !isAbsolute(output)) output = join(o.outputDir, output);
      jobs.push({ url: m.url, output, label: output && output !== '-' ? output : m.url, urlnum, ...(fromUrl && { remoteNamed: true }) });
    }
  }
  return jobs;
}

/**
 * Loads urlopen and the code of every scheme the jobs use, so a transfer's
 * clock (-w's time_connect and the rest) starts after the code is in, as
 * curl's does: otherwise the first connect of a run shows 50 ms of module
 * loading on loopback.
 */
async function loadUrlopen(jobs: readonly TransferJob[]): Promise<UrlOpen> {
  const mod = await import('../urlopen/index.js');
  const schemes = new Set(jobs.map((j) => typedScheme(j.url)));
  // An unknown scheme is the transfer's own error to report, with its exit code.
  await Promise.all([...schemes].map((s) => mod.lookupScheme(s).catch(() => undefined)));
  return mod.urlopen;
}

/** An http(s) URL, or one without a scheme (normalizeUrl makes it http://): only then is the HTTP client worth loading. */
function mayBeHttp(job: TransferJob): boolean {
  const scheme = typedScheme(job.url);
  return scheme === 'http' || scheme === 'https';
}

/**
 * curl holds up to 300 KiB of response head (three times its 100 KiB header
 * line bound) and does not count fields; the library's defaults (64 KiB, 256
 * fields) refused heads curl prints, such as a long Content-Security-Policy.
 * The field bound stays so a head of empty lines cannot make one field each.
 */
const CURL_HEAD_LIMITS = { maxHeaderBytes: 300 * 1024, maxHeaders: 16 * 1024 };

/**
 * Gives the HTTP client an agent for this run (urlopen uses its global
 * agent) with curl's bounds on a response head and, when `pipelined` is
 * given, `connections` per origin with PIPELINE_DEPTH requests on each.
 * Returns what puts the previous agent back.
 */
async function useRunAgent(pipelined: { connections: number } | undefined): Promise<() => void> {
  const mod = await import('../protocols/http/agent.js');
  const previous = mod.getGlobalAgent();
  const agent = new mod.Agent({ ...(pipelined && { connections: pipelined.connections, pipelining: PIPELINE_DEPTH }), limits: CURL_HEAD_LIMITS });
  mod.setGlobalAgent(agent);
  return () => {
    mod.setGlobalAgent(previous);
    void agent.close().catch(() => undefined);
  };
}

function openLog(path: string, stdout: NodeJS.WritableStream): { write: (s: string) => void; close: () => Promise<void> } {
  if (path === '-') return { write: (s) => void stdout.write(s), close: async () => {} };
  let failed: Error | undefined;
  const ws: WriteStream = createWriteStream(path);
  ws.on('error', (e) => (failed = e));
  return {
    write: (s) => {
      if (!failed) ws.write(s);
    },
    close: () =>
      new Promise((resolve, reject) => {
        ws.end(() => (failed ? reject(new CliExit(EXIT.WRITE_ERROR, `could not write ${path}: ${failed.message}`)) : resolve()));
      }),
  };
}

/**
 * curl's -w @file (or @- for stdin): the format read from a file with its line
 * ends left out (a newline is written as \n in the format, as on the command
 * line). A file it cannot read is a warning and no format, not a failed run.
 */
async function readWriteOutFile(path: string, warn: (line: string) => void): Promise<string | undefined> {
  try {
    return (await readLocal(path)).toString('utf8').replace(/[\r\n]/g, '');
  } catch {
    warn(`Warning: Failed to read ${path === '-' ? '<stdin>' : path}`);
    return undefined;
  }
}

/**
 * curl's -H @file (@- for stdin): each line of the file is a header, and a
 * line that is none (blank, or without a ':' or ';' after the name) is left
 * out, as curl leaves it out. A file it cannot open is a warning, not a
 * failed run.
 */
async function withHeaderFiles(o: CliOptions, warn: (line: string) => void): Promise<CliOptions> {
  if (!o.headers.some((h) => h.startsWith('@'))) return o;
  const headers: string[] = [];
  for (const h of o.headers) {
    if (!h.startsWith('@')) {
      headers.push(h);
      continue;
    }
    let text: string;
    try {
      text = (await readLocal(h.slice(1))).toString('utf8');
    } catch {
      warn(`Warning: Failed to open ${h.slice(1)}!`);
      continue;
    }
    for (const line of text.split('\n')) {
      const l = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (/^[^:;\s]+[:;]/.test(l)) headers.push(l);
    }
  }
  return { ...o, headers };
}

/** Runs every transfer the options ask for and returns curl's exit code for the run. */
export async function run(o: CliOptions, io: RunIO): Promise<number> {
  const showErrors = !o.silent || o.showError;
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  const warn = (line: string): void => {
    if (!o.silent) say(line);
  };
  const logs: Array<{ close: () => Promise<void> }> = [];
  let exitCode = 0;
  // The run's own signal: every request in flight (up to --parallel-max, or a
  // pipelined window) listens to it, more than Node's default of 10 listeners.
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const onAbort = (): void => ac.abort(io.signal.reason);
  if (io.signal.aborted) onAbort();
  else io.signal.addEventListener('abort', onAbort, { once: true });
  const signal = ac.signal;
  let restoreAgent: (() => void) | undefined;
  let lookahead: Lookahead | undefined;
  let shared: Awaited<ReturnType<typeof prepareShared>> | undefined;
  let etags: EtagSink | undefined;
  let traceDump: TraceDump | undefined;
  try {
    o = await withHeaderFiles(o, warn);
    const jobs = planJobs(o);
    const writeOut = o.writeOut?.startsWith('@') ? await readWriteOutFile(o.writeOut.slice(1), warn) : o.writeOut;
    const urlopen = io.urlopen ?? (await loadUrlopen(jobs));
    shared = await prepareShared(o, io.version, readLocal, warn);
    const json = o.traceJson !== undefined ? openLog(o.traceJson, io.stdout) : undefined;
    if (json) logs.push(json);
    const dump = o.dumpHeader !== undefined ? openLog(o.dumpHeader, io.stdout) : undefined;
    if (dump) logs.push(dump);
    etags = o.etagSave !== undefined ? (await import('./etag.js')).openEtagSave(o.etagSave, io.stdout) : undefined;
    const start = performance.now();
    const meter = new Meter(io.stderr, {
      style: o.progressBar ? 'bar' : 'line',
      enabled: Boolean(io.stderr.isTTY) && !o.silent && !o.verbose && !o.noProgressMeter && !(io.stdout.isTTY && jobs.some((j) => j.output === undefined)),
    });
    const prefixed = o.parallel && jobs.length > 1;
    // --trace / --trace-ascii: curl's dump, from the same events as -v plus the bodies.
    const dumpLog = o.trace !== undefined ? openLog(o.trace, io.stdout) : undefined;
    if (dumpLog) logs.push(dumpLog);
    const dumps = o.trace !== undefined || o.traceTime ? await import('./trace-dump.js') : undefined;
    traceDump = dumpLog && dumps?.createTraceDump({ ascii: o.traceAscii, time: o.traceTime, write: (s) => dumpLog.write(s) });
    const verbose = o.traceTime && dumps ? (line: string) => say(dumps.timeStamp(Date.now()) + line) : say;
    // The trace printer and the -w renderer are loaded only when asked for.
    const createTracer: typeof CreateTracer | undefined = o.verbose || json ? (await import('./trace.js')).createTracer : undefined;
    const formatWriteOut = writeOut !== undefined ? (await import('./writeout.js')).formatWriteOut : undefined;
    const tracer = (i: number): TransferEnv['trace'] => {
      const lines = createTracer?.({
        text: o.verbose ? verbose : undefined,
        json: json ? (l) => json.write(`${l}\n`) : undefined,
        prefix: prefixed ? `[${i + 1}] ` : '',
        start,
      });
      const d = traceDump?.tracer;
      return lines && d ? (ev) => (lines(ev), d(ev)) : (lines ?? d);
    };
    const build = openOptionsBuilder(o, shared);
    // What every transfer shares, built once; only -Z's numbered trace differs per transfer.
    const common: TransferEnv = {
      opts: o,
      shared,
      urlopen,
      stdout: io.stdout,
      stdoutIsTTY: Boolean(io.stdout.isTTY),
      warn,
      dumpHeader:
        dump || etags
          ? (h) => {
              dump?.write(h);
              etags?.write(h);
            }
          : undefined,
      trace: tracer(0),
      meter,
      signal,
      openOptions: traceDump && dumps ? async (target) => dumps.tapRequestBody(await build(target), traceDump!) : build,
      traceBody: traceDump?.received,
      // Nothing else writes to stdout (or, with -v, to the terminal) while a transfer runs.
      batchStdout: !o.verbose && !o.noBuffer && o.traceJson !== '-' && o.dumpHeader !== '-' && o.etagSave !== '-' && o.trace !== '-',
    };
    const env = (_job: TransferJob, i: number): TransferEnv => (prefixed && common.trace ? { ...common, trace: tracer(i) } : common);
    // curl: one after another, the last URL's result is the run's (a failure followed by a success
    // exits 0; --fail-early stops at the first failure); with -Z, any failure is.
    const report = (r: TransferResult): void => {
      if (r.exitCode !== 0 || !o.parallel) exitCode = r.exitCode;
      if (r.exitCode !== 0) {
        // Ctrl-C ends the run silently, as curl.
        if (showErrors && !signal.aborted) say(formatError(r.exitCode, r.error));
      }
      if (writeOut !== undefined && formatWriteOut) {
        for (const seg of formatWriteOut(writeOut, r.vars)) (seg.stream === 'stdout' ? io.stdout : io.stderr).write(seg.text);
      }
    };
    // Many requests to one origin go without a round trip each (pipeline.ts);
    // a test's own urlopen keeps the library's agent as it is.
    // -Z keeps one connection per transfer in flight when -w reports on connections (num_connects, time_connect).
    const pipelined =
      jobs.length > 1 && io.urlopen === undefined && jobs.some(mayBeHttp) && (o.parallel ? o.writeOut === undefined && pipelineSafe(o) : o.rate === undefined && lookaheadSafe(o));
    if (io.urlopen === undefined && jobs.some(mayBeHttp))
      restoreAgent = await useRunAgent(pipelined ? { connections: o.parallel ? Math.max(1, Math.ceil(o.parallelMax / PIPELINE_DEPTH)) : 1 } : undefined);
    if (o.parallel && jobs.length > 1) {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < jobs.length && !signal.aborted) {
          const i = next++;
          report(await runTransfer(jobs[i]!, env(jobs[i]!, i)));
          if (exitCode !== 0 && o.failEarly) next = jobs.length;
        }
      };
      await Promise.all(Array.from({ length: Math.min(o.parallelMax, jobs.length) }, worker));
    } else {
      if (pipelined) lookahead = new Lookahead(jobs, common);
      let started = 0;
      for (const [i, job] of jobs.entries()) {
        // --rate: the next transfer starts no sooner than the interval after the last one started.
        if (o.rate !== undefined && i > 0) await paceStart(started, o.rate, signal);
        if (signal.aborted) break;
        started = Date.now();
        // curl makes the --etag-save file afresh for each URL.
        etags?.reset();
        report(await runTransfer(job, env(job, i), lookahead?.take(i)));
        if (exitCode !== 0 && o.failEarly) break;
      }
    }
    meter.close();
    // FTP sessions kept for the next URL end with QUIT, as curl ends its connections.
    if (jobs.some((j) => /^ftps?:/i.test(j.url))) await (await import('../urlopen/idle.js')).closeIdleSessions();
  } catch (err) {
    const code = err instanceof CliExit ? err.exitCode : EXIT.FAILED_INIT;
    if (showErrors) say(formatError(code, err));
    exitCode = code;
  }
  lookahead?.close();
  etags?.close();
  traceDump?.flush();
  restoreAgent?.();
  // curl writes -c at the end of the run whatever happened to the transfers.
  await saveCookies(o.cookieJar, shared?.cookieJar, io.stdout, warn);
  await saveHsts(o.hsts, shared?.hsts, warn);
  io.signal.removeEventListener('abort', onAbort);
  for (const l of logs) {
    await l.close().catch((e: unknown) => {
      if (showErrors) say(formatError(EXIT.WRITE_ERROR, e));
      exitCode ||= EXIT.WRITE_ERROR;
    });
  }
  return exitCode;
}
