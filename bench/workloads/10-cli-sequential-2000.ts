import { dialTool } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const N = 2000;

const workload: Workload = {
  name: 'cli-sequential-2000',
  title: '2,000 small GETs in one `dial` run, sequential, one connection reused',
  measures:
    'Requests per second, wall clock of the whole command (start-up included): 2,000 URLs of 100-byte files on one origin ' +
    'given on the command line, fetched one after another (curl reuses its one connection), bodies to stdout (/dev/null).',
  needs: ['nginx'],
  metric: { unit: 'req/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const urls = Array.from({ length: N }, (_, i) => `${ctx.http}/f/${i + 1}.txt`);
    return [
      dialTool(ctx, ['-sS', '--fail', ...urls], { requests: N }),
      { name: 'curl', role: 'peer', argv: ['curl', '-sS', '--fail', ...urls], kind: 'external', requests: N, discardStdout: true },
    ];
  },
  targets: { curl: [{ on: 'rate', op: '>=', value: 1.0 }] },
};
export default workload;
