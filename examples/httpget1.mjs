#!/usr/bin/env node
// @ts-check
/**
 * httpget1 — a raw HTTP/1.0 GET over the socket layer, no HTTP library:
 * connect, send the request, then recv() until the empty buffer that means
 * the server closed the connection (HTTP/1.0 ends the response that way).
 * The whole response, status line and headers included, goes to stdout.
 *
 *   node examples/httpget1.mjs http://127.0.0.1:8080/path
 *   node examples/httpget1.mjs 127.0.0.1 8080 /path
 */
import { Socket, DialError } from 'dialtone';

const TIMEOUT = 10_000; // ms, for the connect and for each recv: every wait has a bound

/**
 * Reads the target from the command line: one URL, or host [port] [path].
 * @param {string[]} argv
 * @returns {{ host: string, port: number, path: string }}
 */
function parseArgs(argv) {
  const [first, portArg, pathArg] = argv;
  if (!first) {
    throw new Error('usage: httpget1.mjs URL | host [port] [path]');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(first)) {
    const url = new URL(first);
    if (url.protocol !== 'http:') throw new Error(`only http:// URLs, not ${url.protocol}`);
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''), // [::1] → ::1 for connect()
      port: url.port ? Number(url.port) : 80,
      path: (url.pathname || '/') + url.search,
    };
  }
  return { host: first, port: portArg ? Number(portArg) : 80, path: pathArg || '/' };
}

/**
 * @param {string[]} argv
 */
async function main(argv) {
  const { host, port, path } = parseArgs(argv);
  // Nothing unchecked reaches the wire: a CR, LF, space or NUL would let the
  // path smuggle in another header or request.
  if (!path.startsWith('/') || /[\s\0]/.test(path)) throw new Error(`bad request path ${JSON.stringify(path)}`);
  if (/[\s\0]/.test(host)) throw new Error(`bad host ${JSON.stringify(host)}`);

  const sock = await Socket.connect({ host, port, timeout: TIMEOUT });
  try {
    const hostHeader = (host.includes(':') ? `[${host}]` : host) + (port === 80 ? '' : `:${port}`);
    await sock.send(`GET ${path} HTTP/1.0\r\nHost: ${hostHeader}\r\nUser-Agent: dialtone-httpget1\r\n\r\n`, { timeout: TIMEOUT });
    for (;;) {
      const chunk = await sock.recv(65536, { timeout: TIMEOUT });
      if (chunk.length === 0) break; // end of stream: the response is complete
      process.stdout.write(chunk);
    }
  } finally {
    await sock.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  const code = err instanceof DialError ? ` [${err.code}${err.sysCode ? ` ${err.sysCode}` : ''}]` : '';
  process.stderr.write(`httpget1: ${err instanceof Error ? err.message : String(err)}${code}\n`);
  process.exitCode = 1;
});
