/** Node's global fetch (the undici bundled with Node 20, default global dispatcher). */
import { jsonBody, main, parseClientArgs, runLoop } from '../lib/client.js';

main(async () => {
  const args = parseClientArgs();
  const body = args.bodySize > 0 ? jsonBody(args.bodySize) : undefined;
  const init: RequestInit = { method: args.method, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) };
  const one = async (): Promise<number> => {
    const res = await fetch(args.url, init);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    let n = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
    return n;
  };
  await runLoop(args, one);
});
