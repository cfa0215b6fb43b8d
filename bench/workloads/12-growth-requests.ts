import { nodeClient, type HttpRun } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'growth-requests',
  title: 'growth: 10k vs 1M requests (50 connections)',
  measures:
    'The same client, the same 100-byte GET at 50 connections, measured over 10,000 and over 1,000,000 requests ' +
    '(with --quick: 3,000 vs 15,000), no time cap: req/s and peak RSS should stay flat (±10 %). Runs last: it is the longest.',
  needs: ['nginx'],
  metric: { unit: 'req/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  timeout: 900,
  tools(ctx) {
    const big = ctx.quick ? 15_000 : 1_000_000;
    const small: HttpRun = { path: '/small.txt', connections: 50, count: ctx.quick ? 3000 : 10_000, warmup: ctx.quick ? 500 : 2000 };
    const large: HttpRun = { ...small, count: big };
    const label = ctx.quick ? '15k' : '1M';
    return [
      nodeClient(ctx, 'dialtone', small, `dialtone ${ctx.quick ? '3k' : '10k'}`),
      nodeClient(ctx, 'dialtone', large, `dialtone ${label}`),
    ];
  },
  comparisons: (tools) => {
    const small = tools[0]!.name.split(' ')[1]!;
    const big = tools[1]!.name.split(' ')[1]!;
    const flat = [
      { on: 'rate' as const, op: '>=' as const, value: 0.9 },
      { on: 'rate' as const, op: '<=' as const, value: 1.1 },
      { on: 'rssRatio' as const, op: '<=' as const, value: 1.1 },
    ];
    return [
      { a: `dialtone ${big}`, b: `dialtone ${small}`, targets: flat },
    ];
  },
};
export default workload;
