/** node:http (or https) with a keep-alive Agent of `connections` sockets. */
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { jsonBody, main, parseClientArgs, runLoop } from '../lib/client.js';

main(async () => {
  const args = parseClientArgs();
  const url = new URL(args.url);
  const secure = url.protocol === 'https:';
  const mod = secure ? https : http;
  const agent = new mod.Agent({
    keepAlive: true,
    maxSockets: args.connections,
    ...(args.ca ? { ca: readFileSync(args.ca, 'utf8') } : {}),
  });
  const body = args.bodySize > 0 ? jsonBody(args.bodySize) : undefined;
  const headers: Record<string, string | number> = body ? { 'content-type': 'application/json', 'content-length': body.length } : {};
  const options = { agent, method: args.method, headers, host: url.hostname, port: url.port, path: url.pathname + url.search };
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = mod.request(options, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  await runLoop(args, one);
});
