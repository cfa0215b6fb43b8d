/** got 14 with a keep-alive node:http Agent of `connections` sockets, retries off. */
import * as http from 'node:http';
import got from 'got';
import { jsonBody, main, parseClientArgs, runLoop } from '../lib/client.js';

main(async () => {
  const args = parseClientArgs();
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.connections });
  const body = args.bodySize > 0 ? jsonBody(args.bodySize) : undefined;
  const one = async (): Promise<number> => {
    const res = await got(args.url, {
      method: args.method as 'GET',
      agent: { http: agent },
      retry: { limit: 0 },
      responseType: 'buffer',
      ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    return res.rawBody.length;
  };
  await runLoop(args, one);
});
