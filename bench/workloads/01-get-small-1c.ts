import { smallGetTools, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'get-small-1c',
  title: 'HTTP GET small body (nginx), 1 connection, keep-alive',
  measures:
    'Requests per second for a 100-byte static file over one kept-alive connection, one request at a time. ' +
    'Bound by the round trip between the client and the nginx worker (two cores), so it measures per-request latency in the client.',
  needs: ['nginx'],
  metric: { unit: 'req/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const run: HttpRun = ctx.quick
      ? { path: '/small.txt', connections: 1, count: 5000, warmup: 500, duration: 0.6 }
      : { path: '/small.txt', connections: 1, count: 30000, warmup: 2000, duration: 2 };
    return smallGetTools(ctx, run);
  },
  targets: { undici: [{ on: 'rate', op: '>=', value: 1.3 }] },
};
export default workload;
