/**
 * What every client script under bench/clients/ shares: one argv shape, a
 * driver that runs N concurrent workers until a request count (or a time cap)
 * is reached, and the one JSON line the harness reads back:
 *
 *   {"requests":…, "seconds":…, "bytes":…, "cpuUserUs":…, "cpuSysUs":…, "maxRssKb":…}
 *
 * CPU and time cover the measured window only (after the warm-up); maxRssKb
 * is the process's peak (it includes start-up). A client that cannot run
 * because the library it drives is missing exits with {@link UNAVAILABLE}
 * after printing {"unavailable": "why"}: the harness reports "n/a" and goes on.
 */
import { parseArgs } from 'node:util';

/** Exit code of a client whose library is not there (yet). */
export const UNAVAILABLE = 64;

export interface ClientArgs {
  url: string;
  /** Concurrent connections (workers). */
  connections: number;
  /** Requests to measure (after the warm-up). */
  count: number;
  /** Warm-up requests, not measured. */
  warmup: number;
  /** Stop issuing requests after this many seconds of the measured window (0 = no cap). */
  duration: number;
  /** Requests in flight per connection (1 = no pipelining). */
  pipelining: number;
  method: string;
  /** Request body size in bytes (a JSON document of about this size); 0 = none. */
  bodySize: number;
  /** PEM file of the CA to trust (https). */
  ca: string | undefined;
  /** ftp: user/password. */
  user: string;
  password: string;
}

export function parseClientArgs(argv: string[] = process.argv.slice(2)): ClientArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      connections: { type: 'string', default: '1' },
      count: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '0' },
      duration: { type: 'string', default: '0' },
      pipelining: { type: 'string', default: '1' },
      method: { type: 'string', default: 'GET' },
      'body-size': { type: 'string', default: '0' },
      ca: { type: 'string' },
      user: { type: 'string', default: 'anonymous' },
      password: { type: 'string', default: 'bench@dialtone' },
    },
    strict: true,
  });
  if (!values.url) throw new Error('client: --url is required');
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`client: --${name} must be a number ≥ 0, got ${v}`);
    return n;
  };
  return {
    url: values.url,
    connections: Math.max(1, int('connections', values.connections)),
    count: int('count', values.count),
    warmup: int('warmup', values.warmup),
    duration: int('duration', values.duration),
    pipelining: Math.max(1, int('pipelining', values.pipelining)),
    method: values.method ?? 'GET',
    bodySize: int('body-size', values['body-size']),
    ca: values.ca,
    user: values.user ?? 'anonymous',
    password: values.password ?? 'bench@dialtone',
  };
}

/** A JSON document of about `size` bytes (the same bytes for every client). */
export function jsonBody(size: number): Buffer {
  if (size <= 0) return Buffer.alloc(0);
  const head = '{"id":12345,"name":"dialtone bench","tags":["a","b","c"],"pad":"';
  const tail = '"}';
  const pad = Math.max(0, size - head.length - tail.length);
  return Buffer.from(head + 'x'.repeat(pad) + tail, 'utf8');
}

export interface Report {
  requests: number;
  seconds: number;
  bytes: number;
  cpuUserUs: number;
  cpuSysUs: number;
  maxRssKb: number;
}

/** Measures `fn` (the measured window) and prints the report line. */
export async function measure(fn: () => Promise<{ requests: number; bytes: number }>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { requests, bytes } = await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const report: Report = {
    requests,
    seconds,
    bytes,
    cpuUserUs: cpu.user,
    cpuSysUs: cpu.system,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

/** Prints the "not available" line and exits with {@link UNAVAILABLE}. */
export function unavailable(why: string): never {
  process.stdout.write(JSON.stringify({ unavailable: why }) + '\n');
  process.exit(UNAVAILABLE);
}

/**
 * Runs `workers` loops that each call `one()` until `count` calls have been
 * started (or `duration` seconds have passed); `one` returns the body bytes
 * it read. Returns how many completed and the bytes.
 */
export async function drive(
  workers: number,
  count: number,
  duration: number,
  one: () => Promise<number>,
): Promise<{ requests: number; bytes: number }> {
  let started = 0;
  let done = 0;
  let bytes = 0;
  const deadline = duration > 0 ? Date.now() + duration * 1000 : Infinity;
  const worker = async (): Promise<void> => {
    while (started < count && (started & 63 || Date.now() < deadline)) {
      started++;
      // `bytes += await one()` would read `bytes` before the await and lose
      // every other worker's additions made meanwhile.
      const n = await one();
      bytes += n;
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, Math.max(1, count)) }, worker));
  return { requests: done, bytes };
}

/** Warm-up then measured run of `one` through {@link drive}; prints the report. */
export async function runLoop(args: ClientArgs, one: () => Promise<number>, workers = args.connections): Promise<void> {
  // The warm-up is capped in time too (a third of the cap), so a slow client does not spend a round warming.
  if (args.warmup > 0) await drive(workers, args.warmup, args.duration > 0 ? Math.max(0.3, args.duration / 3) : 0, one);
  await measure(() => drive(workers, args.count, args.duration, one));
}

/** Imports a module by a computed specifier (so tsc does not need it to exist); undefined when absent. */
export async function tryImport(specifier: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** Exits the process once stdout is flushed (keep-alive sockets would hold it open). */
export function finish(): void {
  process.stdout.write('', () => process.exit(0));
}

/** Runs a client's main and turns an error into a non-zero exit with the message on stderr. */
export function main(fn: () => Promise<void>): void {
  fn().then(finish, (err: unknown) => {
    process.stderr.write(`client error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
