import { nodeClient, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'download-1g-https',
  title: '1 GiB HTTPS download',
  measures:
    'MB/s for one GET of the 1 GiB file over TLS (nginx with the test CA, TLS 1.3, verification on: curl --cacert, the ' +
    'node clients with `ca`). The cipher work on both cores dominates.',
  needs: ['nginx'],
  metric: { unit: 'MB/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const run: HttpRun = { path: '/big.bin', https: true, connections: 1, count: 1 };
    return [
      nodeClient(ctx, 'dialtone', run),
      {
        name: 'curl',
        role: 'peer',
        argv: ['curl', '-sS', '--fail', '--cacert', ctx.caPath, '-o', '/dev/null', ctx.https + '/big.bin'],
        kind: 'external',
        requests: 1,
        bytes: ctx.bigSize,
      },
      nodeClient(ctx, 'undici', run),
      nodeClient(ctx, 'node:http', run, 'node:https'),
    ];
  },
  targets: { curl: [{ on: 'rate', op: '>=', value: 0.8 }] },
};
export default workload;
