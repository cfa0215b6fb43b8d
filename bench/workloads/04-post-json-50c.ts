import { nodeClient, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'post-json-50c',
  title: 'HTTP POST 1 KiB JSON, 50 connections',
  measures:
    'Requests per second posting the same 1 KiB JSON document (Content-Length) on 50 keep-alive connections to an nginx ' +
    'location that reads and discards the body and answers a 12-byte JSON.',
  needs: ['nginx'],
  metric: { unit: 'req/s', higherIsBetter: true },
  // Nine: at 50 connections two busy processes share two cores, and single rounds swing ±20–45 %.
  rounds: { full: 9, quick: 2 },
  tools(ctx) {
    const run: HttpRun = ctx.quick
      ? { path: '/post', method: 'POST', bodySize: 1024, connections: 50, count: 15000, warmup: 2000, duration: 0.6 }
      : { path: '/post', method: 'POST', bodySize: 1024, connections: 50, count: 120000, warmup: 10000, duration: 2 };
    return [
      nodeClient(ctx, 'dialtone', run),
      nodeClient(ctx, 'undici', run),
      nodeClient(ctx, 'node:http', run),
      nodeClient(ctx, 'raw node:net', run),
    ];
  },
  targets: { undici: [{ on: 'rate', op: '>=', value: 1.2 }] },
};
export default workload;
