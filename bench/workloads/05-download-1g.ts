import { nodeClient, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'download-1g',
  title: '1 GiB download to a null sink (nginx)',
  measures:
    'MB/s for one GET of a 1 GiB file (64 MiB with --quick; a sparse file, so the disk is not measured), body discarded. ' +
    'curl writes to /dev/null; the node clients count the bytes; the raw client reads into one reused 64 KiB buffer. Peak RSS matters here.',
  needs: ['nginx'],
  metric: { unit: 'MB/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const run: HttpRun = { path: '/big.bin', connections: 1, count: 1 };
    return [
      nodeClient(ctx, 'dialtone', run),
      {
        name: 'curl',
        role: 'peer',
        argv: ['curl', '-sS', '--fail', '-o', '/dev/null', ctx.http + '/big.bin'],
        kind: 'external',
        requests: 1,
        bytes: ctx.bigSize,
      },
      nodeClient(ctx, 'undici', run),
      nodeClient(ctx, 'node:http', run),
      nodeClient(ctx, 'raw node:net', run),
    ];
  },
  targets: {
    curl: [
      { on: 'rate', op: '>=', value: 1.2 },
      { on: 'rss', op: '<', value: 64 },
    ],
    undici: [{ on: 'rate', op: '>=', value: 1.6 }],
  },
};
export default workload;
