/** Builders for the tools workloads share: the node client scripts, wrk, curl, dial. */
import type { BenchContext, Role, Tool } from './types.js';

export interface HttpRun {
  /** Path on the bench nginx (/small.txt…), or a full URL. */
  path: string;
  https?: boolean;
  connections: number;
  count: number;
  warmup?: number;
  /** Time cap on the measured window, seconds (slow clients stop early; req/s stays fair). */
  duration?: number;
  pipelining?: number;
  method?: string;
  bodySize?: number;
}

/** The client scripts under bench/clients/ and the names they are reported under. */
export const NODE_CLIENTS: Record<string, { script: string; role: Role }> = {
  dialtone: { script: 'dialtone-http', role: 'dialtone' },
  undici: { script: 'undici', role: 'peer' },
  'node:http': { script: 'node-http', role: 'peer' },
  fetch: { script: 'fetch', role: 'peer' },
  got: { script: 'got', role: 'peer' },
  axios: { script: 'axios', role: 'peer' },
  'raw node:net': { script: 'raw-net', role: 'ceiling' },
};

export function urlOf(ctx: BenchContext, run: { path: string; https?: boolean }): string {
  if (/^[a-z]+:\/\//.test(run.path)) return run.path;
  return (run.https ? ctx.https : ctx.http) + run.path;
}

/** A node client script as a tool (run as `node bench/clients/<script>.js --url …`). */
export function nodeClient(ctx: BenchContext, name: string, run: HttpRun, as?: string): Tool {
  const c = NODE_CLIENTS[name];
  if (!c) throw new Error(`bench: no client named ${name}`);
  const argv = [
    ctx.node,
    ctx.client(c.script),
    '--url',
    urlOf(ctx, run),
    '--connections',
    String(run.connections),
    '--count',
    String(run.count),
    '--warmup',
    String(run.warmup ?? 0),
    '--duration',
    String(run.duration ?? 0),
    '--pipelining',
    String(run.pipelining ?? 1),
    '--method',
    run.method ?? 'GET',
    '--body-size',
    String(run.bodySize ?? 0),
  ];
  if (run.https) argv.push('--ca', ctx.caPath);
  return { name: as ?? name, role: c.role, argv, kind: 'json' };
}

/** Every small-GET client side by side: dialtone, the library peers, then the raw-loop and wrk ceilings. */
export function smallGetTools(ctx: BenchContext, run: HttpRun): Tool[] {
  return [
    ...['dialtone', 'undici', 'node:http', 'fetch', 'got', 'axios', 'raw node:net'].map((name) => nodeClient(ctx, name, run)),
    wrkTool(ctx, run, ctx.quick ? 1 : 2),
  ];
}

/** wrk as the ceiling: `threads` 1, `connections`, a fixed duration; its own figures are read back. */
export function wrkTool(ctx: BenchContext, run: HttpRun, seconds: number): Tool {
  return {
    name: 'wrk',
    role: 'ceiling',
    argv: ['wrk', '-t1', `-c${run.connections}`, `-d${seconds}s`, urlOf(ctx, run)],
    kind: 'external',
    parse: parseWrk,
  };
}

const UNIT_S: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const UNIT_B: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

export function parseWrk(stdout: string): { requests: number; bytes: number; seconds: number } {
  const m = /(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)(B|KB|MB|GB|TB) read/.exec(stdout);
  if (!m) throw new Error(`wrk: no summary line in:\n${stdout}`);
  if (/Non-2xx or 3xx responses/.test(stdout) || /Socket errors/.test(stdout)) throw new Error(`wrk reported errors:\n${stdout}`);
  return { requests: Number(m[1]), seconds: Number(m[2]) * UNIT_S[m[3]!]!, bytes: Number(m[4]) * UNIT_B[m[5]!]! };
}

/** `node bin/dial.js …` as a tool, n/a while bin/dial.js does not exist. */
export function dialTool(ctx: BenchContext, args: string[], work: { requests: number; bytes?: number }): Tool {
  const tool: Tool = {
    name: 'dialtone (dial)',
    role: 'dialtone',
    argv: [ctx.node, ctx.dialBin ?? 'bin/dial.js', ...args],
    kind: 'external',
    requests: work.requests,
    bytes: work.bytes ?? 0,
    discardStdout: true,
  };
  if (!ctx.dialBin) tool.unavailable = 'bin/dial.js not built yet';
  return tool;
}

/**
 * `dial URL -o /dev/null` against `curl -o /dev/null` for the big file, over
 * HTTP or HTTPS (the test CA, `--cacert` for both): the CLI's main job.
 */
export function cliDownloadTools(ctx: BenchContext, https: boolean): Tool[] {
  const work = { requests: 1, bytes: ctx.bigSize };
  const url = (https ? ctx.https : ctx.http) + '/big.bin';
  const args = ['-sS', '--fail', ...(https ? ['--cacert', ctx.caPath] : []), '-o', '/dev/null', url];
  return [dialTool(ctx, args, work), { name: 'curl', role: 'peer', argv: ['curl', ...args], kind: 'external', ...work }];
}
