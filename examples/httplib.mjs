#!/usr/bin/env node
// @ts-check
/**
 * httplib — the seed's httplib example on dialtone's low-level layer: build
 * the request a piece at a time (putRequest, putHeader, endHeaders), then
 * getResponse() and print what came back: status and reason, the headers as
 * the server sent them, a blank line, and the body.
 *
 *   node examples/httplib.mjs http://127.0.0.1:8080/path
 *   node examples/httplib.mjs https://example.org/
 */
import { HTTPConnection } from 'dialtone/http';
import { DialError } from 'dialtone/errors';

const arg = process.argv[2];
const url = arg && process.argv.length === 3 && URL.canParse(arg) ? new URL(arg) : null;
if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
  console.error('usage: httplib.mjs http[s]://host[:port]/path');
  process.exit(2);
}

const https = url.protocol === 'https:';
const conn = new HTTPConnection(
  url.hostname.replace(/^\[|\]$/g, ''), // [::1] → ::1 for connect()
  url.port ? Number(url.port) : https ? 443 : 80,
  { tls: https || undefined, timeout: 10_000 }, // bounds the connect and each wait for the response
);
try {
  // Each piece is checked as it is added: a CR, LF or NUL is refused before anything is sent.
  conn.putRequest('GET', url.pathname + url.search);
  conn.putHeader('User-Agent', 'dialtone-httplib');
  conn.putHeader('Accept', '*/*');
  await conn.endHeaders(); // connects, then sends the head
  const res = await conn.getResponse();

  console.log(res.status, res.reason);
  for (const [name, value] of res.getHeaders()) console.log(`${name}: ${value}`);
  console.log('');
  // Streamed chunk by chunk; res.read() would hold the whole body in memory.
  for await (const chunk of res.body) process.stdout.write(chunk);
} catch (err) {
  const code = err instanceof DialError ? ` [${err.code}${err.sysCode ? ` ${err.sysCode}` : ''}]` : '';
  console.error(`httplib: ${err instanceof Error ? err.message : String(err)}${code}`);
  process.exitCode = 1;
} finally {
  await conn.close(); // it keeps the connection alive for a next request; there is none
}
