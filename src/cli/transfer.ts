/**
 * One transfer of one URL: open it, print its head where asked, stream the
 * body to its sink, and retry transient failures the way curl does — but
 * resuming from the bytes already kept instead of starting over.
 *
 * @module
 */
import { rm, stat } from 'node:fs/promises';
import type { Tracer } from '../trace.js';
import type { OpenOptions } from '../urlopen/types.js';
import type { UrlResponse } from '../urlopen/response.js';
import type { CliOptions } from './args.js';
import { EXIT, errorMessage, exitCodeFor } from './exit-codes.js';
import { copyBody } from './copy-body.js';
import { isHttp } from './head.js';
import { allHeads, showTrailers, tunnelled } from './hops.js';
import type { Meter } from './meter.js';
import { fileSink, stampRemoteTime, stdoutSink, type Sink } from './output.js';
import { buildOpenOptions, effectiveUrl, type DialOpenOptions, type OpenOptionsBuilder, type RequestTarget, type SharedRequest } from './request.js';
import { parseContentRange } from '../protocols/http/core/content-range.js';
import { decideResume } from './resume.js';
import { timeCondUnmet } from './time-cond.js';
import { contentDispositionName, deferredFileSink, type DeferredSink } from './header-name.js';
import { Pace, limitUpload } from './rate-limit.js';
import { RetryAbandoned, RetryPolicy, RetryStatus, TRANSIENT_STATUS, parseRetryAfter } from './retry.js';
import { discard, sentAhead, type Prefetched } from './pipeline.js';
import type { TransferClock } from './timing.js';
import { codedSurplus, emptyVars, hstsUpgraded, requestMethod, responseCode, responseVars, settleVars } from './transfer-vars.js';
import { normalizeUrl, schemeOf } from './url.js';
import { attemptDeadline, sleep as defaultSleep } from './waits.js';
import type { WriteOutVars } from './writeout.js';

export { normalizeUrl } from './url.js';

/** An opener's refusal of a byte range the body does not have (file:, data:, ftp:). */
function isRangeError(err: unknown): boolean {
  const e = err as { code?: unknown; phase?: unknown } | null;
  return e?.code === 'DIAL_E_INPUT' && e.phase === 'range';
}

/** The urlopen function, as the CLI calls it. */
export type UrlOpen = (url: string, options: OpenOptions) => Promise<UrlResponse>;

/** One transfer to run. */
export interface TransferJob {
  url: string;
  /** File to write; undefined or '-' = stdout ('-' also allows binary to a terminal). */
  output: string | undefined;
  /** Shown on the meter. */
  label: string;
  /** Which command-line URL it came from, from 0 (-w %{urlnum}); 0 when not told. */
  urlnum?: number | undefined;
  /** `output` is -O's name from the URL (which -J may replace with the server's). */
  remoteNamed?: boolean | undefined;
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
  /** --trace: each piece of a response body as it arrives. */
  traceBody?: ((chunk: Uint8Array) => void) | undefined;
  meter: Meter;
  signal: AbortSignal;
  /** Waits between retries; replaceable in tests. */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** The run's OpenOptions builder (see openOptionsBuilder); buildOpenOptions when absent. */
  openOptions?: OpenOptionsBuilder | undefined;
  /**
   * Nothing else writes to stdout while a transfer runs (no -D -, no
   * --trace-json -, no -v) and -N did not ask for every piece at once, so a
   * small body may go out in one write.
   */
  batchStdout?: boolean | undefined;
}

/** How a transfer ended. */
export interface TransferResult {
  exitCode: number;
  error?: unknown;
  vars: WriteOutVars;
}

/** Schemes whose size a HEAD reports but that take no suffix range (-r -N) themselves. */
const SIZED = /^(file|ftps?|data):/i;

/** The statuses -L follows. */
const FOLLOWED = new Set([301, 302, 303, 307, 308]);

/** The largest body to stdout that is written in one piece at the end of the transfer. */
const SMALL_BODY = 64 * 1024;

/**
 * Runs one transfer to completion (with retries); never throws. `sent`: its
 * first attempt's request, already sent (see pipeline.ts); it is read or
 * released whatever happens.
 */
export async function runTransfer(job: TransferJob, env: TransferEnv, sent?: Prefetched): Promise<TransferResult> {
  const o = env.opts;
  const t0 = performance.now();
  // The scheme of the URL as given is only shown when the transfer fails before its URL is worked out.
  const vars = emptyVars(job.url, requestMethod(o), '');
  vars.urlnum = job.urlnum ?? 0;
  vars.referer = o.referer?.replace(/;auto$/, '') ?? '';
  let schemeKnown = false;
  const toStdout = job.output === undefined || job.output === '-';
  vars.filename_effective = toStdout ? '' : job.output!;
  let sink: Sink | undefined;
  const task = env.meter.task(job.label);
  // Bytes of the body already in place: from an earlier run (-C) and from earlier attempts.
  let resumeBase = 0;
  let got = 0;
  let surplus = 0; // %{size_download} beyond `got`: decoded bodies count as they came (see codedSurplus)
  let headWritten = false;
  const sleep = env.sleep ?? defaultSleep;
  let policy: RetryPolicy | undefined;
  const build = env.openOptions ?? ((target: RequestTarget) => buildOpenOptions(o, env.shared, target));
  // The part of the document -r got the first answer for (undefined: the whole of it); a retry resumes inside it.
  let within: RequestTarget['within'];
  // -w is the only reader of the head's size and header list.
  const wantVars = o.writeOut !== undefined;
  // The last attempt's clock: -w reports its steps even when the attempt failed.
  let clock: TransferClock | undefined;
  const tlsScheme = (): boolean => vars.scheme === 'https' || vars.scheme === 'ftps';
  const applyClock = (): void => {
    if (clock) Object.assign(vars, clock.result(tlsScheme()));
  };
  /** A proxy's answers to CONNECT, which curl shows before an HTTP response's head (never an FTP one's, nor with --suppress-connect-headers). */
  const proxyHeads = (): string => (!o.suppressConnectHeaders && (vars.scheme === 'http' || vars.scheme === 'https') ? (clock?.proxyHeads ?? '') : '');
  let ahead = sent;
  try {
    // A request sent ahead was sent to this job's URL, worked out the same way.
    const url = ahead ? ahead.url : effectiveUrl(o, env.shared, normalizeUrl(job.url, o));
    // normalizeUrl made sure it parses and starts with its scheme; an HSTS upgrade is the effective URL's (and scheme's) from the start.
    vars.url_effective = hstsUpgraded(env.shared.hsts, (vars.url = url));
    vars.scheme = vars.url_effective.slice(0, vars.url_effective.indexOf(':')).toLowerCase();
    schemeKnown = true;
    if (o.continueAt === 'auto') resumeBase = toStdout ? 0 : ((await stat(job.output!).catch(() => undefined))?.size ?? 0);
    else if (typeof o.continueAt === 'number') resumeBase = o.continueAt;
    const fileOptions = { createDirs: o.createDirs, append: o.continueAt !== undefined, noClobber: o.noClobber };
    sink = toStdout
      ? stdoutSink(env.stdout, env.stdoutIsTTY && job.output !== '-')
      : o.remoteHeaderName && job.remoteNamed
        ? deferredFileSink(job.output!, o.outputDir, (path) => fileSink(path, fileOptions), (path) => (vars.filename_effective = path))
        : await fileSink(job.output!, fileOptions);
    const activeSink = sink;
    /** -i/-I/-D for a head that ends the transfer (an HTTP error under -f, a proxy's refusal): written and committed now. */
    const showFinalHead = async (head: string): Promise<void> => {
      env.dumpHeader?.(head);
      if (!(o.include || o.head) || headWritten) return;
      headWritten = true;
      await activeSink.write(Buffer.from(head, 'latin1'), true);
      await activeSink.commit();
    };

    for (let attempt = 1; ; attempt++) {
      const deadline = attemptDeadline(env.signal, o.maxTime, () => got, o.lowSpeed && { ...o.lowSpeed, moved: () => got + vars.size_upload });
      const signal = deadline.signal;
      try {
        await attemptOnce(url);
        break;
      } catch (err) {
        const e = deadline.timedOut ?? err;
        policy ??= new RetryPolicy(o);
        const wait = env.signal.aborted ? undefined : policy.next(e, attempt, (performance.now() - t0) / 1000);
        if (wait === undefined) throw e;
        env.warn(policy.warning(e, wait, attempt));
        await sleep(wait, env.signal);
      } finally {
        deadline.dispose();
      }

      async function attemptOnce(target: string): Promise<void> {
        const from = resumeBase + got;
        const pre = ahead;
        ahead = undefined;
        const built = pre ? pre.options : build({ url: target, resumeFrom: from > 0 ? from : undefined, within });
        const options = built instanceof Promise ? await built : built;
        options.signal = signal;
        // -r -N where only HTTP has suffix ranges: the last N bytes, counted from the size a HEAD reports.
        if (!pre && from === 0 && o.range?.startsWith('-') && SIZED.test(target)) {
          const size = Number((await whole(target))?.headers.get('content-length') ?? NaN);
          if (Number.isSafeInteger(size)) options.range = { start: Math.max(0, size - Number(o.range.slice(1))) };
        }
        // -w's timings and addresses, and a proxy's CONNECT heads for -i/-I/-D, come from the library's
        // structured events; otherwise nothing is traced unless -v/--trace-json asked.
        if (o.writeOut !== undefined || ((o.include || o.head || env.dumpHeader) && !o.suppressConnectHeaders && tunnelled(target, options))) {
          const { TransferClock } = await import('./timing.js');
          const c = (clock = new TransferClock(t0));
          options.trace = (ev) => {
            c.see(ev);
            env.trace?.(ev);
          };
        } else if (env.trace) options.trace = env.trace;
        if (o.limitRate) limitUpload(options, new Pace(o.limitRate), signal);
        options.onProgress = (p) => {
          if (p.direction === 'upload') {
            vars.size_upload = p.transferred;
            if (got === 0) task.update(p.transferred, p.total);
          }
        };
        let res: UrlResponse;
        try {
          res = pre ? await sentAhead(pre, (alone) => env.urlopen(target, alone), signal) : await env.urlopen(target, options);
        } catch (err) {
          // -C at the very end of a file: or data: body: the opener refuses the empty range (as HTTP answers 416), and curl calls the download done.
          const done = o.continueAt !== undefined && o.uploadFile === undefined && got === 0 && from > 0 && isRangeError(err) ? await endsAt(target, from) : undefined;
          if (done) return finish(done, true);
          if (proxyHeads() && (err as { phase?: unknown }).phase === 'proxy-connect') await showFinalHead(proxyHeads());
          throw err;
        }
        try {
          await readResponse(res, options);
        } catch (err) {
          // A response left unread would hold up the requests pipelined behind it.
          await res.cancel().catch(() => undefined);
          throw err;
        }
      }

      /** A HEAD of the whole `target` (no range), or undefined when it fails: the GET then reports why. */
      async function whole(target: string): Promise<UrlResponse | undefined> {
        const options = await build({ url: target });
        const res = await env.urlopen(target, { ...options, method: 'HEAD', range: undefined, signal }).catch(() => undefined);
        await res?.cancel();
        return res;
      }

      /** A HEAD of the whole `target` when it is exactly `size` bytes long, else undefined. */
      async function endsAt(target: string, size: number): Promise<UrlResponse | undefined> {
        const res = await whole(target);
        return res && Number(res.headers.get('content-length') ?? NaN) === size ? res : undefined;
      }

      async function readResponse(res: UrlResponse, options: DialOpenOptions): Promise<void> {
        const from = resumeBase + got;
        vars.time_starttransfer = (performance.now() - t0) / 1000;
        applyClock();
        const http = isHttp(res);
        responseVars(vars, res, wantVars, options.body);
        // -J: the file's name is known now; nothing has been written yet.
        if ('decide' in activeSink) await (activeSink as DeferredSink).decide(contentDispositionName(res.headers.get('content-disposition')));

        // -L with --max-redirs 0: urlopen was told to follow none, so curl's limit is checked here.
        if (http && o.location && o.maxRedirs === 0 && FOLLOWED.has(res.status) && res.headers.has('location')) {
          await res.cancel();
          throw new RetryAbandoned(EXIT.TOO_MANY_REDIRECTS, 'Maximum (0) redirects followed');
        }
        if (http && TRANSIENT_STATUS.has(res.status) && attempt <= o.retry) {
          const again = new RetryStatus(res.status, parseRetryAfter(res.headers.get('retry-after')));
          policy ??= new RetryPolicy(o);
          // Decided before the answer is let go: one not retried (--retry-max-time) stands, as curl's does.
          if (policy.next(again, attempt, (performance.now() - t0) / 1000) !== undefined) {
            await res.cancel();
            throw again;
          }
        }
        // -z: a document on the wrong side of the date is not written (an up-to-date -o file stays), and -w says 304, as curl.
        const unmet = env.shared.timeCond ? timeCondUnmet(env.shared.timeCond, res, http) : undefined;
        if (unmet) {
          env.trace?.({ kind: '*', text: unmet });
          await res.cancel();
          vars.http_code = vars.response_code = 304;
          return activeSink.abort();
        }
        let skip = 0;
        if (o.range !== undefined && o.continueAt === undefined && got === 0) {
          // What the range got: the server's 206 says which part (a suffix is its to place); another scheme cuts what was asked.
          const part = http ? (res.status === 206 ? parseContentRange(res.headers.get('content-range')) : undefined) : undefined;
          within = http ? (part?.first !== undefined ? { start: part.first, end: part.last } : undefined) : options.range;
        }
        if (http) {
          let decision;
          try {
            // Inside a -r part, the server must answer with that part again (206 from where it broke); a whole 200 would not fit.
            if (within && got > 0 && res.status !== 206) throw new RetryAbandoned(EXIT.RANGE_ERROR, `the server answered the resumed range with ${res.status}, not 206`);
            decision = decideResume(
              { status: res.status, contentLength: res.headers.get('content-length'), contentRange: res.headers.get('content-range') },
              within ? within.start + from : from,
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
          // As curl: the head still shows (-i, -I, -D) and counts in %{size_header}; only the body is withheld.
          const head = wantVars || o.include || o.head || env.dumpHeader ? proxyHeads() + allHeads(res) : '';
          vars.size_header += Buffer.byteLength(head, 'latin1');
          if (o.include || o.head || env.dumpHeader) await showFinalHead(head);
          await res.cancel();
          throw new RetryAbandoned(EXIT.HTTP_RETURNED_ERROR, `The requested URL returned error: ${res.status}`);
        }
        // curl prints every hop's head (-i/-I/-D with -L, or a Digest 401 before its answer).
        const printHead = (o.include || o.head) && !headWritten;
        const head = wantVars || env.dumpHeader || printHead ? proxyHeads() + allHeads(res) : '';
        vars.size_header += Buffer.byteLength(head, 'latin1');
        env.dumpHeader?.(head);
        const length = Number(res.headers.get('content-length') ?? NaN);
        // A small body to stdout goes out in one write, with its head, at the end of the attempt.
        const held =
          http && env.batchStdout === true && toStdout && o.maxTime === undefined && length <= SMALL_BODY && activeSink.hold
            ? activeSink.hold()
            : undefined;
        try {
          if (printHead) {
            headWritten = true;
            await activeSink.write(Buffer.from(head, 'latin1'), true);
          }
          if (o.head || options.method === 'HEAD') {
            await res.cancel();
            await failWithBody(res, http);
            return await finish(res, false, options);
          }
          return await body(res, options, http, length, skip, from);
        } finally {
          if (held) await held.release();
        }
      }

      async function body(res: UrlResponse, options: DialOpenOptions, http: boolean, length: number, skip: number, from: number): Promise<void> {
        if (toStdout && job.output === undefined && env.stdoutIsTTY && skip === 0 && res.headers.get('content-type') === 'application/gopher-menu') {
          // A menu on a terminal is laid out for reading; piped or saved, it stays byte-exact as curl's.
          const { formatMenu, parseMenu } = await import('../protocols/gopher/index.js');
          const raw = await res.bytes(8 * 1024 * 1024);
          got += raw.length;
          await activeSink.write(Buffer.from(formatMenu(parseMenu(raw)), 'utf8'));
          task.update(resumeBase + got, raw.length);
          return finish(res, false, options);
        }
        const total = Number.isFinite(length) ? length + (res.status === 206 ? from : 0) : undefined;
        const read = await copyBody(
          res,
          activeSink,
          skip,
          (n) => {
            got += n;
            task.update(resumeBase + got, total);
          },
          o.limitRate ? { pace: new Pace(o.limitRate), signal } : undefined,
          env.traceBody,
        );
        surplus += codedSurplus(res, read);
        if (http) await showTrailers(res, o.include, env.dumpHeader, activeSink);
        await failWithBody(res, http);
        return finish(res, false, options);
      }

      /** --fail-with-body: an HTTP error is exit 22 once what it sent is out — its body, or with -I its head alone. */
      async function failWithBody(res: UrlResponse, http: boolean): Promise<void> {
        if (!(http && res.status >= 400 && o.failWithBody)) return;
        await activeSink.commit();
        throw new RetryAbandoned(EXIT.HTTP_RETURNED_ERROR, `The requested URL returned error: ${res.status}`, true);
      }

      async function finish(res: UrlResponse, complete: boolean, options: { bodyLength?: number | undefined } = {}): Promise<void> {
        if (complete) env.trace?.({ kind: '*', text: 'The entire document is already downloaded' });
        // The protocol's last word once the body is in (FTP's 226), as curl's %{response_code}.
        vars.http_code = vars.response_code = responseCode(res);
        vars.size_upload ||= options.bodyLength ?? 0;
        await activeSink.commit();
        if (o.remoteTime && !toStdout) await stampRemoteTime(job.output!, res.headers.get('last-modified'));
      }
    }
    task.done();
    settleVars(vars, got + surplus, t0);
    return { exitCode: 0, vars };
  } catch (err) {
    if (ahead) discard(ahead);
    if (!schemeKnown) vars.scheme = schemeOf(job.url);
    task.done();
    const exitCode = exitCodeFor(err);
    if (!(err instanceof RetryAbandoned && err.committed)) await sink?.abort().catch(() => undefined);
    // --remove-on-error: not even a file -C was appending to stays, once this run wrote to it (as curl: a file it opened).
    // Without -C a failure leaves no file anyway (the body goes to a temporary one); a device or FIFO is never removed.
    if (o.removeOnError && !toStdout && o.continueAt !== undefined && (sink?.written ?? 0) > 0 && (await stat(job.output!).catch(() => undefined))?.isFile())
      await rm(job.output!, { force: true }).catch(() => undefined);
    vars.exitcode = exitCode;
    vars.errormsg = errorMessage(err);
    if (vars.http_code === 0) applyClock();
    settleVars(vars, got + surplus, t0);
    return { exitCode, error: err, vars };
  }
}
