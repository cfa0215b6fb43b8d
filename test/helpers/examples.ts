/**
 * Runs the programs in examples/ as a user would — `node examples/x.mjs …`
 * from the repository root, where `import 'dialtone/…'` resolves to dist/src —
 * every child bounded by a timeout and killed when its test file ends.
 */
import { after } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** dist/test/helpers/examples.js → the repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The bound on any example's run or start-up. */
export const CHILD_TIMEOUT = 15_000;

/** How an example ended and what it printed. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Spawns `examples/<script>` with piped stdout/stderr; it is killed at the end of the file. */
export function spawnExample(script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, [join('examples', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs an example to completion (bounded by {@link CHILD_TIMEOUT}) and returns what it printed. */
export function runExample(script: string, args: string[]): Promise<Exit> {
  const child = spawnExample(script, args);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} ran past ${CHILD_TIMEOUT} ms; stdout=${JSON.stringify(stdout)} stderr=${JSON.stringify(stderr)}`));
    }, CHILD_TIMEOUT);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
