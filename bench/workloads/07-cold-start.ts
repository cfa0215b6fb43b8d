import { join } from 'node:path';
import type { Tool, Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'cold-start',
  title: '`dial --version` cold start',
  measures:
    'Wall milliseconds from spawn to exit (each under /usr/bin/time, which adds about a millisecond to every row): ' +
    '`node bin/dial.js --version` against `node -e 0` (the floor for any Node CLI), `curl --version`, and Node loading undici.',
  needs: [],
  metric: { unit: 'ms', higherIsBetter: false },
  rounds: { full: 15, quick: 3 },
  tools(ctx) {
    const ext = (name: string, role: Tool['role'], argv: string[]): Tool => ({ name, role, argv, kind: 'external', requests: 1, discardStdout: true });
    const dial = ext('dialtone (dial)', 'dialtone', [ctx.node, ctx.dialBin ?? 'bin/dial.js', '--version']);
    if (!ctx.dialBin) dial.unavailable = 'bin/dial.js not built yet';
    return [
      dial,
      ext('node -e 0', 'baseline', [ctx.node, '-e', '0']),
      ext('curl --version', 'peer', ['curl', '--version']),
      ext('node + require(undici)', 'peer', [ctx.node, '-e', `require(${JSON.stringify(join(ctx.repo, 'node_modules', 'undici'))})`]),
      ext('/bin/true (spawn floor)', 'baseline', ['/bin/true']),
    ];
  },
  comparisons: () => [
    { a: 'dialtone (dial)', b: 'node -e 0', targets: [{ on: 'rate', op: '<=', value: 1.3 }] },
    { a: 'dialtone (dial)', b: 'curl --version' },
    { a: 'dialtone (dial)', b: 'node + require(undici)' },
  ],
};
export default workload;
