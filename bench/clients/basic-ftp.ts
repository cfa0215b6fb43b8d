/** basic-ftp: log in, RETR the URL's path into a null sink (passive mode). */
import { Writable } from 'node:stream';
import { Client } from 'basic-ftp';
import { main, measure, parseClientArgs } from '../lib/client.js';

main(async () => {
  const args = parseClientArgs();
  const url = new URL(args.url);
  const client = new Client(0);
  await client.access({ host: url.hostname, port: Number(url.port || 21), user: args.user, password: args.password });
  const retr = async (): Promise<number> => {
    let n = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        n += chunk.length;
        cb();
      },
    });
    await client.downloadTo(sink, decodeURIComponent(url.pathname));
    return n;
  };
  for (let i = 0; i < args.warmup; i++) await retr();
  await measure(async () => {
    let bytes = 0;
    for (let i = 0; i < args.count; i++) bytes += await retr();
    return { requests: args.count, bytes };
  });
  client.close();
});
