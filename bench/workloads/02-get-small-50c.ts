import { smallGetTools, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'get-small-50c',
  title: 'HTTP GET small body, 50 concurrent connections',
  measures:
    'Requests per second for the 100-byte file with 50 requests in flight on 50 keep-alive connections. ' +
    'The single nginx worker is the cap here, so the client CPU µs per request (its own process) is the figure to read beside req/s.',
  needs: ['nginx'],
  metric: { unit: 'req/s', higherIsBetter: true },
  // Nine: at 50 connections two busy processes share two cores, and single rounds swing ±20–45 %.
  rounds: { full: 9, quick: 2 },
  tools(ctx) {
    const run: HttpRun = ctx.quick
      ? { path: '/small.txt', connections: 50, count: 20000, warmup: 2000, duration: 0.6 }
      : { path: '/small.txt', connections: 50, count: 150000, warmup: 10000, duration: 2 };
    return smallGetTools(ctx, run);
  },
  targets: {
    undici: [
      { on: 'rate', op: '>=', value: 1.2 },
      { on: 'cpu', op: '<=', value: 0.65 },
    ],
  },
};
export default workload;
