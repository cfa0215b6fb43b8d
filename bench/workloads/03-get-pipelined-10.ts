import { nodeClient, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'get-pipelined-10',
  title: 'HTTP GET small body, 50 connections, pipelining depth 10',
  measures:
    'As get-small-50c with up to 10 requests in flight per connection. undici runs a Pool with `pipelining: 10` and ' +
    '`blocking: false` on each request (undici\'s default, `blocking: method !== "HEAD"`, never pipelines a GET).',
  needs: ['nginx'],
  metric: { unit: 'req/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const run: HttpRun = ctx.quick
      ? { path: '/small.txt', connections: 50, pipelining: 10, count: 30000, warmup: 3000, duration: 0.6 }
      : { path: '/small.txt', connections: 50, pipelining: 10, count: 250000, warmup: 20000, duration: 2 };
    return [nodeClient(ctx, 'dialtone', run), nodeClient(ctx, 'undici', run), nodeClient(ctx, 'raw node:net', run)];
  },
  targets: { undici: [{ on: 'rate', op: '>=', value: 1.5 }] },
};
export default workload;
