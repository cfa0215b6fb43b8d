#!/usr/bin/env node
// @ts-check
/**
 * urlopen — the seed's urllib example on dialtone: open any URL (http, https,
 * ftp, ftps, gopher, file, data), print where it came from, its status and
 * its headers (`info()`), then a blank line and the body, streamed.
 *
 *   node examples/urlopen.mjs http://127.0.0.1:8080/
 *   node examples/urlopen.mjs gopher://127.0.0.1:7070/1/
 *   node examples/urlopen.mjs 'data:text/plain;base64,SGVsbG8='
 *
 * On failure it prints the error's stable code (DIAL_E_…) and exits 1.
 */
import { urlopen } from 'dialtone/urlopen';

const url = process.argv[2];
if (!url) {
  console.error('usage: urlopen.mjs URL');
  process.exit(2);
}

try {
  // Every wait is bounded: 10 s for the whole transfer; follow up to 5 redirects.
  const res = await urlopen(url, { timeout: 10_000, maxRedirects: 5 });
  console.log(`URL: ${res.url}`);
  console.log(`Status: ${res.status} ${res.statusText}`.trimEnd());
  for (const [name, value] of res.info()) console.log(`${name}: ${value}`);
  console.log('');
  for await (const chunk of res.body) process.stdout.write(chunk);
} catch (err) {
  const e = /** @type {{ code?: string, message?: string }} */ (err);
  console.error(`urlopen: ${e.code ?? 'error'}: ${e.message}`);
  process.exitCode = 1;
}
