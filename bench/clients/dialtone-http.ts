/**
 * dialtone's HTTP client: `request()` through an `Agent` of `connections`
 * keep-alive connections (with `pipelining` when asked), streaming the body
 * (`for await`, or `body.consume(sink)` for a download).
 * Exits "unavailable" while dist/src/protocols/http/index.js does not export
 * `request` and `Agent` yet.
 */
import { readFileSync } from 'node:fs';
import { jsonBody, main, parseClientArgs, runLoop, tryImport, unavailable } from '../lib/client.js';

type Res = { status?: number; statusCode?: number; body: AsyncIterable<Uint8Array> & { consume?: (sink: (chunk: Uint8Array) => void) => Promise<number> } };
type RequestFn = (url: string, options: Record<string, unknown>) => Promise<Res>;
type AgentCtor = new (options: Record<string, unknown>) => { close?: () => Promise<void>; destroy?: () => unknown };

main(async () => {
  const args = parseClientArgs();
  const mod = await tryImport(new URL('../../src/protocols/http/index.js', import.meta.url).href);
  if (!mod) unavailable('dist/src/protocols/http/index.js not built yet');
  const request = mod['request'] as RequestFn | undefined;
  const Agent = mod['Agent'] as AgentCtor | undefined;
  if (typeof request !== 'function' || typeof Agent !== 'function') unavailable('http: request()/Agent not exported yet');
  // A Buffer, not a string: the agent keys pools by the identity of `ca`.
  const tls = args.ca ? { ca: readFileSync(args.ca) } : undefined;
  const agent = new Agent({
    connections: args.connections,
    ...(args.pipelining > 1 ? { pipelining: args.pipelining } : {}),
  });
  const body = args.bodySize > 0 ? jsonBody(args.bodySize) : undefined;
  const options: Record<string, unknown> = {
    agent,
    method: args.method,
    ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
    ...(tls ? { tls } : {}),
  };
  // A download run (one connection, a few big bodies: download-1g, growth-body)
  // reads with the synchronous sink, as the raw loop does; the rest iterate.
  const download = args.connections === 1 && args.count <= 1024;
  const one = async (): Promise<number> => {
    const res = await request(args.url, options);
    const status = res.status ?? res.statusCode;
    if (status !== 200) throw new Error(`status ${status}`);
    let n = 0;
    if (download && res.body.consume) {
      await res.body.consume((chunk) => {
        n += chunk.length;
      });
      return n;
    }
    for await (const chunk of res.body) n += chunk.length;
    return n;
  };
  await runLoop(args, one, args.connections * args.pipelining);
});
