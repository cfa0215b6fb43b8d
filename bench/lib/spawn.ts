/**
 * Runs one tool once in its own child process under GNU time, so CPU and
 * peak RSS are the child's, never the harness's. Wall time is measured here
 * around the child (it includes the ~1 ms of `/usr/bin/time`'s own exec).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample, Tool, Workload } from './types.js';

export const UNAVAILABLE_EXIT = 64;
const TIME = '/usr/bin/time';
const CAP = 256 * 1024;

export type RunResult = { ok: true; sample: Sample } | { ok: false; unavailable?: string; error?: string };

const scratch = mkdtempSync(join(tmpdir(), 'dialtone-bench-time-'));
process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));
let seq = 0;

export function runTool(tool: Tool, workload: Workload, timeoutSec: number, round = 0): Promise<RunResult> {
  const timeFile = join(scratch, `t${seq++}`);
  const argv = ['-f', '%e %U %S %M', '-o', timeFile, ...tool.argv];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(TIME, argv, { stdio: ['ignore', tool.discardStdout ? 'ignore' : 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => {
      if (stdout.length < CAP) stdout += b.toString('utf8');
    });
    child.stderr?.on('data', (b: Buffer) => {
      if (stderr.length < CAP) stderr += b.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutSec * 1000);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `spawn ${tool.argv[0]}: ${err.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      let timeLine = '';
      try {
        timeLine = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        rmSync(timeFile, { force: true });
      } catch {
        /* killed before time wrote */
      }
      if (signal) return resolve({ ok: false, error: `${tool.name}: killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutSec} s?)` : ''}\n${tail(stderr)}` });
      if (code === UNAVAILABLE_EXIT && tool.kind === 'json') {
        let why = 'not available';
        try {
          why = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { unavailable?: string }).unavailable ?? why;
        } catch {
          /* keep the default */
        }
        return resolve({ ok: false, unavailable: why });
      }
      if (code !== 0) return resolve({ ok: false, error: `${tool.name}: exit ${code}\n${tail(stderr || stdout)}` });
      // GNU time: "Command exited with non-zero status" lines come first; the format line is last.
      const [, user, sys, rss] = timeLine.split(/\s+/).map(Number) as [number, number, number, number];
      const timeCpuUs = Math.round(((user || 0) + (sys || 0)) * 1e6);
      const timeRss = rss || 0;
      try {
        let requests: number;
        let bytes: number;
        let seconds: number;
        let cpuUs = timeCpuUs;
        let maxRssKb = timeRss;
        if (tool.kind === 'json') {
          const line = stdout.trim().split('\n').pop() ?? '';
          const r = JSON.parse(line) as { requests: number; seconds: number; bytes: number; cpuUserUs: number; cpuSysUs: number; maxRssKb: number };
          requests = r.requests;
          bytes = r.bytes;
          seconds = r.seconds;
          cpuUs = r.cpuUserUs + r.cpuSysUs; // the measured window only
          maxRssKb = Math.max(timeRss, r.maxRssKb);
        } else if (tool.parse) {
          ({ requests, bytes, seconds } = tool.parse(stdout, stderr));
        } else {
          requests = tool.requests ?? 1;
          bytes = tool.bytes ?? 0;
          seconds = wallSeconds;
        }
        const value =
          workload.metric.unit === 'req/s' ? requests / seconds : workload.metric.unit === 'MB/s' ? bytes / seconds / 1e6 : (seconds * 1000) / Math.max(1, requests);
        if (!Number.isFinite(value) || value <= 0) throw new Error(`no figure (requests ${requests}, bytes ${bytes}, seconds ${seconds})`);
        resolve({ ok: true, sample: { round, value, requests, bytes, seconds, wallSeconds, cpuUs, maxRssKb } });
      } catch (err) {
        resolve({ ok: false, error: `${tool.name}: cannot read its report: ${(err as Error).message}\nstdout: ${tail(stdout)}\nstderr: ${tail(stderr)}` });
      }
    });
  });
}

function tail(s: string, n = 2000): string {
  s = s.trim();
  return s.length > n ? '…' + s.slice(-n) : s;
}
