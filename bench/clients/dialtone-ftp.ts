/**
 * dialtone's FTP client: RETR the URL's path, streaming into a null sink.
 * Exits "unavailable" while dist/src/protocols/ftp/index.js is not built.
 */
import { main, measure, parseClientArgs, tryImport, unavailable } from '../lib/client.js';

type FtpClient = {
  retrieve?: (path: string, options?: Record<string, unknown>) => Promise<AsyncIterable<Uint8Array> | { body: AsyncIterable<Uint8Array> }>;
  retr?: (path: string, options?: Record<string, unknown>) => Promise<AsyncIterable<Uint8Array> | { body: AsyncIterable<Uint8Array> }>;
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
    const body = Symbol.asyncIterator in r ? (r as AsyncIterable<Uint8Array>) : (r as { body: AsyncIterable<Uint8Array> }).body;
    let n = 0;
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
