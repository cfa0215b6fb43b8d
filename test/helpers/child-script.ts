/**
 * Runs a short ES-module program in a child node, for the tests that check a
 * process ends on its own (no idle socket or timer may hold it open): its
 * exit code, or 'hung' when it had to be killed at the bound, and its stdout.
 */
import { spawn } from 'node:child_process';

export interface ChildScriptOptions {
  /** process.argv[1…] of the program. */
  args?: string[];
  cwd?: string;
  /** After this many ms the child is killed and the result is 'hung'. Default 10 s. */
  limitMs?: number;
}

/** Runs `script` (`node --input-type=module -e`); stderr goes to the test's own. */
export async function runChildScript(script: string, options: ChildScriptOptions = {}): Promise<{ code: number | null | 'hung'; out: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...(options.args ?? [])], { stdio: ['ignore', 'pipe', 'inherit'], cwd: options.cwd });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null | 'hung'>((resolve) => {
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('hung');
    }, options.limitMs ?? 10_000);
    child.on('close', (c) => {
      clearTimeout(kill);
      resolve(c);
    });
  });
  return { code, out };
}
