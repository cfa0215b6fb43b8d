/**
 * undici 7 Pool: GET/POST over `connections` keep-alive connections, with
 * `pipelining` requests in flight per connection (undici pipelines only
 * requests marked `blocking: false`; its default is `method !== 'HEAD'`,
 * i.e. blocking, so this sets it explicitly when pipelining).
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { jsonBody, main, parseClientArgs, runLoop } from '../lib/client.js';

main(async () => {
  const args = parseClientArgs();
  const url = new URL(args.url);
  const pool = new Pool(url.origin, {
    connections: args.connections,
    pipelining: args.pipelining,
    keepAliveTimeout: 60_000,
    ...(args.ca ? { connect: { ca: readFileSync(args.ca, 'utf8'), servername: url.hostname } } : {}),
  });
  const body = args.bodySize > 0 ? jsonBody(args.bodySize) : undefined;
  const headers = body ? { 'content-type': 'application/json' } : undefined;
  const path = url.pathname + url.search;
  const one = async (): Promise<number> => {
    const res = await pool.request({
      path,
      method: args.method as 'GET',
      body,
      headers,
      blocking: args.pipelining > 1 ? false : undefined,
    });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    let n = 0;
    for await (const chunk of res.body) n += (chunk as Buffer).length;
    return n;
  };
  await runLoop(args, one, args.connections * args.pipelining);
});
