/**
 * dialtone's FTP client: RETR the URL's path into a null sink — with the
 * download's synchronous `consume(sink)` when it has one, as the HTTP client
 * script reads a download, else by iterating.
 * Exits "unavailable" while dist/src/protocols/ftp/index.js is not built.
 */
import { main, measure, parseClientArgs, tryImport, unavailable } from '../lib/client.js';

type Body = AsyncIterable<Uint8Array> & { consume?: (sink: (chunk: Uint8Array) => void) => Promise<number> };
type FtpClient = {
  retrieve?: (path: string, options?: Record<string, unknown>) => Promise<Body | { body: Body }>;
  retr?: (path: string, options?: Record<string, unknown>) => Promise<Body | { body: Body }>;
  quit?: () => Promise<void>;
  close?: () => Promise<void> | void;
};

main(async () => {
  const args = parseClientArgs();
  const mod = await tryImport(new URL('../../src/protocols/ftp/index.js', import.meta.url).href);
  if (!mod) unavailable('dist/src/protocols/ftp/index.js not built yet');
  const FTPClient = (mod['FTPClient'] ?? mod['FtpClient'] ?? mod['Client']) as
    | { connect: (options: Record<string, unknown>) => Promise<FtpClient> }
    | undefined;
  if (!FTPClient || typeof FTPClient.connect !== 'function') unavailable('ftp: no client class with connect() exported yet');
  const url = new URL(args.url);
  const client = await FTPClient.connect({ host: url.hostname, port: Number(url.port || 21), user: args.user, password: args.password });
  const path = decodeURIComponent(url.pathname);
  const retr = async (): Promise<number> => {
    const fn = client.retrieve ?? client.retr;
    if (!fn) unavailable('ftp: no retrieve()');
    const r = await fn.call(client, path);
    const body = Symbol.asyncIterator in r ? (r as Body) : (r as { body: Body }).body;
    let n = 0;
    if (body.consume) {
      await body.consume((chunk) => {
        n += chunk.length;
      });
      return n;
    }
    for await (const chunk of body) n += chunk.length;
    return n;
  };
  for (let i = 0; i < args.warmup; i++) await retr();
  await measure(async () => {
    let bytes = 0;
    for (let i = 0; i < args.count; i++) bytes += await retr();
    return { requests: args.count, bytes };
  });
  await (client.quit?.() ?? client.close?.());
});
