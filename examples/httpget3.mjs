#!/usr/bin/env node
// @ts-check
/**
 * httpget3 — the high-level client: request(url) does the connecting,
 * framing (Content-Length, chunked, close) and header parsing. We only check
 * the status: anything but 2xx is reported and exits 1, since a 404 page is
 * not the document the user asked for; a 2xx body streams to stdout.
 *
 *   node examples/httpget3.mjs http://127.0.0.1:8080/path
 *   node examples/httpget3.mjs https://example.org/
 */
import { request } from 'dialtone/http';
import { DialError } from 'dialtone/errors';

const url = process.argv[2];
if (!url || process.argv.length > 3) {
  console.error('usage: httpget3.mjs URL');
  process.exit(2);
}

try {
  // Bound each wait rather than the whole transfer, so a large download is
  // not cut off while a stalled server still is.
  const res = await request(url, { connectTimeout: 10_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
  if (!res.ok) {
    res.body.cancel(); // not wanted: release the connection now
    console.error(`httpget3: ${res.status} ${res.statusText} from ${res.url}`.trimEnd());
    process.exitCode = 1;
  } else {
    for await (const chunk of res.body) process.stdout.write(chunk);
  }
} catch (err) {
  const code = err instanceof DialError ? ` [${err.code}${err.sysCode ? ` ${err.sysCode}` : ''}]` : '';
  console.error(`httpget3: ${err instanceof Error ? err.message : String(err)}${code}`);
  process.exitCode = 1;
}
