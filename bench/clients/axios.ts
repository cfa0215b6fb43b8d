/** axios with a keep-alive node:http Agent of `connections` sockets. */
import * as http from 'node:http';
import axios from 'axios';
import { jsonBody, main, parseClientArgs, runLoop } from '../lib/client.js';

main(async () => {
  const args = parseClientArgs();
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: args.connections });
  const body = args.bodySize > 0 ? jsonBody(args.bodySize) : undefined;
  const one = async (): Promise<number> => {
    const res = await axios.request<ArrayBuffer>({
      url: args.url,
      method: args.method,
      httpAgent,
      proxy: false,
      responseType: 'arraybuffer',
      ...(body ? { data: body, headers: { 'content-type': 'application/json' } } : {}),
    });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return res.data.byteLength;
  };
  await runLoop(args, one);
});
