import { nodeClient, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'growth-body',
  title: 'growth: 1 MiB vs 1 GiB body',
  measures:
    'MB/s and peak RSS of the same client fetching 1 MiB bodies (256 of them one after another on one connection; 32 with --quick) ' +
    'and one 1 GiB body (64 MiB with --quick): the big body must not be slower (the 1 MiB runs pay a round trip per MiB, so ' +
    'faster is expected) and peak RSS must not grow with the body. undici for reference.',
  needs: ['nginx'],
  metric: { unit: 'MB/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const small: HttpRun = { path: '/1m.bin', connections: 1, count: ctx.quick ? 32 : 256, warmup: 4 };
    const large: HttpRun = { path: '/big.bin', connections: 1, count: 1 };
    return [
      nodeClient(ctx, 'dialtone', small, 'dialtone 1 MiB'),
      nodeClient(ctx, 'dialtone', large, 'dialtone big'),
      nodeClient(ctx, 'undici', small, 'undici 1 MiB'),
      nodeClient(ctx, 'undici', large, 'undici big'),
    ];
  },
  comparisons: () => [
    {
      a: 'dialtone big',
      b: 'dialtone 1 MiB',
      note: 'a big body must not be slower (the 1 MiB runs pay a round trip per MiB, so "faster" is expected) and must not cost memory',
      targets: [
        { on: 'rate', op: '>=', value: 0.9 },
        { on: 'rssRatio', op: '<=', value: 1.1 },
      ],
    },
    { a: 'undici big', b: 'undici 1 MiB' },
  ],
};
export default workload;
