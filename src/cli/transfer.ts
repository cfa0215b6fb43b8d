/**
 * One transfer of one URL: open it, print its head where asked, stream the
 * body to its sink, and retry transient failures the way curl does — but
 * resuming from the bytes already kept instead of starting over.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import type { Tracer } from '../trace.js';
import type { OpenOptions } from '../urlopen/types.js';
import type { UrlResponse } from '../urlopen/response.js';
import type { CliOptions } from './args.js';
import { CliExit, EXIT, errorMessage, exitCodeFor } from './exit-codes.js';
import { formatHead, headerPairs, isHttp } from './head.js';
import type { Meter } from './meter.js';
import { fileSink, stdoutSink, type Sink } from './output.js';
import { buildOpenOptions, effectiveUrl, type SharedRequest } from './request.js';
import { decideResume } from './resume.js';
import { RetryAbandoned, RetryPolicy, RetryStatus, TRANSIENT_STATUS, parseRetryAfter } from './retry.js';
import { TransferClock } from './timing.js';
import type { WriteOutVars } from './writeout.js';
import { UrlHeaders } from '../urlopen/headers.js';

/** The urlopen function, as the CLI calls it. */
export type UrlOpen = (url: string, options: OpenOptions) => Promise<UrlResponse>;

/** One transfer to run. */
export interface TransferJob {
  url: string;
  /** File to write; undefined or '-' = stdout ('-' also allows binary to a terminal). */
  output: string | undefined;
  /** Shown on the meter. */
  label: string;
}

/** What every transfer of a run shares. */
export interface TransferEnv {
  opts: CliOptions;
  shared: SharedRequest;
  urlopen: UrlOpen;
  stdout: NodeJS.WritableStream;
  stdoutIsTTY: boolean;
  /** A diagnostic line for stderr (already filtered by -s). */
  warn: (line: string) => void;
  /** -D: where response heads go. */
  dumpHeader?: ((head: string) => void) | undefined;
  trace?: Tracer | undefined;
  meter: Meter;
  signal: AbortSignal;
  /** Waits between retries; replaceable in tests. */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
}

/** How a transfer ended. */
export interface TransferResult {
  exitCode: number;
  error?: unknown;
  vars: WriteOutVars;
}

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done(): void {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(t);
      reject(signal.reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Normalizes a URL as curl does: no scheme means http://; a URL that does not parse is exit 3. */
export function normalizeUrl(raw: string): string {
  let url = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^(data|file|mailto|news):/i.test(url)) url = `http://${url}`;
  if (/[\0\t\n\r]/.test(url)) throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (control character in ${JSON.stringify(raw)})`);
  try {
    const u = new URL(url);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname === '') throw new Error('no host');
  } catch {
    throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (${raw})`);
  }
  return url;
}

function emptyVars(url: string, method: string): WriteOutVars {
  let scheme = '';
  try {
    scheme = new URL(url).protocol.slice(0, -1);
  } catch {
    // malformed: reported by exitcode/errormsg
  }
  return {
    http_code: 0, response_code: 0, http_version: '0', size_download: 0, size_upload: 0, size_header: 0, size_request: 0,
    time_total: 0, time_namelookup: 0, time_connect: 0, time_appconnect: 0, time_pretransfer: 0, time_starttransfer: 0, time_redirect: 0,
    speed_download: 0, speed_upload: 0, url, url_effective: url, redirect_url: '',
    num_redirects: 0, num_headers: 0, content_type: '', exitcode: 0, errormsg: '', filename_effective: '', method, scheme,
    remote_ip: '', remote_port: 0, local_ip: '', local_port: 0, num_connects: 0, ssl_verify_result: 0,
    headers: [],
  };
}

/** The largest body curl sends together with the head (its MAX_INITIAL_POST_SIZE). */
const SMALL_POST = 64 * 1024;

/** curl's redirect_url: the Location a redirect not followed points to, made absolute against the URL that sent it. */
export function redirectTarget(location: string | null, base: string): string {
  if (location === null) return '';
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}

/** The HTTP client's raw response, as much as -w and the hop heads read of it. */
interface RawHttpFacts {
  history?: ReadonlyArray<{ httpVersion: string; status: number; statusText: string; headers: unknown }>;
  requestBytes?: number;
}

/** Bytes of request heads sent (every hop), or 0 for a protocol without heads. */
function requestBytes(res: UrlResponse): number {
  const n = (res.raw as RawHttpFacts | undefined)?.requestBytes;
  return typeof n === 'number' ? n : 0;
}

/** The heads of the responses before the final one, each ending with its blank line. */
function historyHeads(res: UrlResponse): string {
  const history = (res.raw as RawHttpFacts | undefined)?.history;
  if (!Array.isArray(history)) return '';
  return history
    .map((h) => formatHead({ status: h.status, statusText: h.statusText, protocol: `http/${h.httpVersion}`, headers: new UrlHeaders(), raw: h }))
    .join('');
}

/** Runs one transfer to completion (with retries); never throws. */
export async function runTransfer(job: TransferJob, env: TransferEnv): Promise<TransferResult> {
  const o = env.opts;
  const t0 = performance.now();
  const vars = emptyVars(job.url, o.method ?? (o.head ? 'HEAD' : o.data.length && !o.get ? 'POST' : o.form.length ? 'POST' : o.uploadFile !== undefined ? 'PUT' : 'GET'));
  const toStdout = job.output === undefined || job.output === '-';
  vars.filename_effective = toStdout ? '' : job.output!;
  let sink: Sink | undefined;
  const task = env.meter.task(job.label);
  // Bytes of the body already in place: from an earlier run (-C) and from earlier attempts.
  let resumeBase = 0;
  let got = 0;
  let headWritten = false;
  const sleep = env.sleep ?? defaultSleep;
  const policy = new RetryPolicy(o);
  // The last attempt's clock: -w reports its steps even when the attempt failed.
  let clock: TransferClock | undefined;
  const tlsScheme = (): boolean => vars.scheme === 'https' || vars.scheme === 'ftps';
  const applyClock = (): void => {
    if (clock) Object.assign(vars, clock.result(tlsScheme()));
  };
  try {
    const url = effectiveUrl(o, env.shared, normalizeUrl(job.url));
    vars.url = vars.url_effective = url;
    vars.scheme = new URL(url).protocol.slice(0, -1);
    if (o.continueAt === 'auto') resumeBase = toStdout ? 0 : ((await stat(job.output!).catch(() => undefined))?.size ?? 0);
    else if (typeof o.continueAt === 'number') resumeBase = o.continueAt;
    sink = toStdout
      ? stdoutSink(env.stdout, env.stdoutIsTTY && job.output !== '-')
      : await fileSink(job.output!, { createDirs: o.createDirs, append: o.continueAt !== undefined });
    const activeSink = sink;

    for (let attempt = 1; ; attempt++) {
      const ac = new AbortController();
      const onOuter = (): void => ac.abort(env.signal.reason);
      env.signal.addEventListener('abort', onOuter, { once: true });
      let timedOut: CliExit | undefined;
      const started = performance.now();
      const timer =
        o.maxTime !== undefined
          ? setTimeout(() => {
              timedOut = new CliExit(EXIT.OPERATION_TIMEDOUT, `Operation timed out after ${Math.round(performance.now() - started)} milliseconds with ${got} bytes received`);
              ac.abort(timedOut);
            }, o.maxTime * 1000)
          : undefined;
      try {
        await attemptOnce(url);
        break;
      } catch (err) {
        const e = timedOut ?? err;
        const wait = env.signal.aborted ? undefined : policy.next(e, attempt, (performance.now() - t0) / 1000);
        if (wait === undefined) throw e;
        env.warn(policy.warning(e, wait, attempt));
        await sleep(wait, env.signal);
      } finally {
        if (timer) clearTimeout(timer);
        env.signal.removeEventListener('abort', onOuter);
      }

      async function attemptOnce(target: string): Promise<void> {
        const from = resumeBase + got;
        const options = await buildOpenOptions(o, env.shared, { url: target, resumeFrom: from > 0 ? from : undefined });
        options.signal = ac.signal;
        // -w's timings and addresses come from the library's structured events;
        // without -w nothing is traced unless -v/--trace-json asked.
        if (o.writeOut !== undefined) {
          const c = (clock = new TransferClock(t0));
          options.trace = (ev) => {
            c.see(ev);
            env.trace?.(ev);
          };
        } else if (env.trace) options.trace = env.trace;
        options.onProgress = (p) => {
          if (p.direction === 'upload') {
            vars.size_upload = p.transferred;
            if (got === 0) task.update(p.transferred, p.total);
          }
        };
        const res = await env.urlopen(target, options);
        vars.time_starttransfer = (performance.now() - t0) / 1000;
        applyClock();
        const http = isHttp(res);
        vars.http_code = vars.response_code = res.status;
        vars.url_effective = res.url;
        vars.num_redirects = res.redirects.length;
        vars.content_type = res.headers.get('content-type') ?? '';
        vars.http_version = http ? (/(\d(?:\.\d)?)$/.exec(res.protocol)?.[1] ?? '1.1') : '0';
        vars.headers = headerPairs(res);
        vars.num_headers = vars.headers.length;
        vars.redirect_url = http && res.status >= 300 && res.status < 400 ? redirectTarget(res.headers.get('location'), res.url) : '';
        vars.size_request = requestBytes(res);
        // curl sends a small in-memory body (-d, --json) in one piece with the head, and counts it in size_request.
        if (http && options.body instanceof Uint8Array && options.body.length < SMALL_POST) vars.size_request += options.body.length;

        if (http && TRANSIENT_STATUS.has(res.status) && attempt <= o.retry) {
          await res.cancel();
          throw new RetryStatus(res.status, parseRetryAfter(res.headers.get('retry-after')));
        }
        let skip = 0;
        if (http) {
          let decision;
          try {
            decision = decideResume(
              { status: res.status, contentLength: res.headers.get('content-length'), contentRange: res.headers.get('content-range') },
              from,
              got,
              o.continueAt !== undefined,
            );
          } catch (err) {
            await res.cancel();
            throw err;
          }
          if (decision.action === 'complete') {
            await res.cancel();
            return finish(res, true);
          }
          skip = decision.skip;
        }
        if (http && res.status >= 400 && o.fail && !o.failWithBody) {
          await res.cancel();
          throw new RetryAbandoned(EXIT.HTTP_RETURNED_ERROR, `The requested URL returned error: ${res.status}`);
        }
        // curl prints every hop's head (-i/-I/-D with -L, or a Digest 401 before its answer).
        const head = historyHeads(res) + formatHead(res);
        vars.size_header += Buffer.byteLength(head, 'latin1');
        env.dumpHeader?.(head);
        if ((o.include || o.head) && !headWritten) {
          headWritten = true;
          await activeSink.write(Buffer.from(head, 'latin1'), true);
        }
        if (o.head || options.method === 'HEAD') {
          await res.cancel();
          return finish(res, false, options);
        }
        if (toStdout && job.output === undefined && env.stdoutIsTTY && skip === 0 && res.headers.get('content-type') === 'application/gopher-menu') {
          // A menu on a terminal is laid out for reading; piped or saved, it stays byte-exact as curl's.
          const { formatMenu, parseMenu } = await import('../protocols/gopher/index.js');
          const raw = await res.bytes(8 * 1024 * 1024);
          got += raw.length;
          await activeSink.write(Buffer.from(formatMenu(parseMenu(raw)), 'utf8'));
          task.update(resumeBase + got, raw.length);
          return finish(res, false, options);
        }
        const length = Number(res.headers.get('content-length') ?? NaN);
        const total = Number.isFinite(length) ? length + (res.status === 206 ? from : 0) : undefined;
        for await (const chunk of res.body) {
          let c = chunk;
          if (skip > 0) {
            const drop = Math.min(skip, c.length);
            skip -= drop;
            c = c.subarray(drop);
            if (c.length === 0) continue;
          }
          await activeSink.write(c);
          got += c.length;
          task.update(resumeBase + got, total);
        }
        if (skip > 0) throw new CliExit(EXIT.PARTIAL_FILE, 'the server sent less than was already received');
        if (http && res.status >= 400 && o.failWithBody) {
          await activeSink.commit();
          throw new RetryAbandoned(EXIT.HTTP_RETURNED_ERROR, `The requested URL returned error: ${res.status}`, true);
        }
        return finish(res, false, options);
      }

      async function finish(_res: UrlResponse, complete: boolean, options: { bodyLength?: number | undefined } = {}): Promise<void> {
        if (complete) env.trace?.({ kind: '*', text: 'The entire document is already downloaded' });
        vars.size_upload ||= options.bodyLength ?? 0;
        await activeSink.commit();
      }
    }
    task.done();
    vars.size_download = got;
    vars.time_total = (performance.now() - t0) / 1000;
    vars.speed_download = vars.time_total > 0 ? got / vars.time_total : 0;
    vars.speed_upload = vars.time_total > 0 ? vars.size_upload / vars.time_total : 0;
    return { exitCode: 0, vars };
  } catch (err) {
    task.done();
    const exitCode = exitCodeFor(err);
    if (!(err instanceof RetryAbandoned && err.committed)) await sink?.abort().catch(() => undefined);
    vars.size_download = got;
    vars.exitcode = exitCode;
    vars.errormsg = errorMessage(err);
    if (vars.http_code === 0) applyClock();
    vars.time_total = (performance.now() - t0) / 1000;
    vars.speed_download = vars.time_total > 0 ? got / vars.time_total : 0;
    vars.speed_upload = vars.time_total > 0 ? vars.size_upload / vars.time_total : 0;
    return { exitCode, error: err, vars };
  }
}
