import { dialTool } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const N = 1000;

const workload: Workload = {
  name: 'cli-parallel-1000',
  title: '1,000 small files, parallel (-Z) via the CLI',
  measures:
    'Files per second, wall clock of the whole command (start-up included): 1,000 distinct 100-byte files, ' +
    'up to 50 transfers at once, bodies to stdout (/dev/null). `curl -Z --parallel-max 50` vs `dial -Z --parallel-max 50`.',
  needs: ['nginx'],
  metric: { unit: 'req/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const urls = Array.from({ length: N }, (_, i) => `${ctx.http}/f/${i + 1}.txt`);
    return [
      dialTool(ctx, ['-sS', '--fail', '-Z', '--parallel-max', '50', ...urls], { requests: N }),
      {
        name: 'curl',
        role: 'peer',
        argv: ['curl', '-sS', '--fail', '-Z', '--parallel-max', '50', ...urls],
        kind: 'external',
        requests: N,
        discardStdout: true,
      },
    ];
  },
  targets: { curl: [{ on: 'rate', op: '>=', value: 1.0 }] },
};
export default workload;
