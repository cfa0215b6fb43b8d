#!/usr/bin/env node
// @ts-check
/**
 * httpget2 — the same HTTP/1.0 GET as httpget1, one layer up: the line client
 * does the framing. writeLine() sends each request line with its CRLF (and
 * refuses a CR, LF or NUL inside it, so a hostile path cannot add a header);
 * readLine() reads the status line and the headers up to the blank line; then
 * readUntilClose() streams the body, which HTTP/1.0 ends by closing.
 *
 *   node examples/httpget2.mjs http://127.0.0.1:8080/path
 *   node examples/httpget2.mjs 127.0.0.1 8080 /path
 *
 * Prints the status line and headers (one per line, LF endings), a blank
 * line, then the body byte for byte.
 */
import { Socket } from 'dialtone/socket';
import { LineClient } from 'dialtone/line';
import { DialError, InputError, LimitError, ProtocolError } from 'dialtone/errors';

const USAGE = 'usage: httpget2.mjs URL | host [port] [path]';
const TIMEOUT = 10_000; // ms: the connect, and each line or chunk we wait for
const MAX_HEADERS = 100; // every buffer has a bound: header lines too

/**
 * One URL, or host [port] [path]; null when the arguments make no sense.
 * @param {string[]} argv
 * @returns {{ host: string, port: number, path: string } | null}
 */
function parseArgs(argv) {
  const [first, portArg, pathArg] = argv;
  if (!first || argv.length > 3) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(first)) {
    if (argv.length > 1 || !URL.canParse(first)) return null;
    const url = new URL(first);
    if (url.protocol !== 'http:') return null;
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''), // [::1] → ::1 for connect()
      port: url.port ? Number(url.port) : 80,
      path: (url.pathname || '/') + url.search,
    };
  }
  const port = portArg === undefined ? 80 : Number(portArg);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: first, port, path: pathArg ?? '/' };
}

const target = parseArgs(process.argv.slice(2));
if (!target) {
  console.error(USAGE);
  process.exit(2);
}
const { host, port, path } = target;

try {
  // A space in the path would split the request line; writeLine checks CR/LF/NUL, we check the rest.
  if (!path.startsWith('/') || /\s/.test(path)) {
    throw new InputError(`bad request path ${JSON.stringify(path)}`);
  }
  const sock = await Socket.connect({ host, port, timeout: TIMEOUT });
  const line = new LineClient(sock, { timeout: TIMEOUT, protocol: 'http' });
  try {
    const hostHeader = (host.includes(':') ? `[${host}]` : host) + (port === 80 ? '' : `:${port}`);
    await line.writeLine(`GET ${path} HTTP/1.0`);
    await line.writeLine(`Host: ${hostHeader}`);
    await line.writeLine('User-Agent: dialtone-httpget2');
    await line.writeLine(''); // the blank line ends the request head

    const status = await line.readLine();
    if (status === null || !/^HTTP\/\d\.\d \d{3}( |$)/.test(status)) {
      throw new ProtocolError(`not an HTTP status line: ${JSON.stringify(status)}`, { protocol: 'http' });
    }
    console.log(status);
    for (let n = 0; ; n++) {
      const header = await line.readLine();
      if (header === null) throw new ProtocolError('the connection closed inside the headers', { protocol: 'http' });
      if (header === '') break; // end of the head; the body follows
      if (n === MAX_HEADERS) throw new LimitError(`more than ${MAX_HEADERS} header lines`, { limit: MAX_HEADERS, protocol: 'http' });
      console.log(header);
    }
    console.log('');

    // Bytes, not lines: the body may be binary, and only the close marks its end.
    for await (const chunk of line.readUntilClose()) process.stdout.write(chunk);
  } finally {
    await line.close();
  }
} catch (err) {
  const code = err instanceof DialError ? ` [${err.code}${err.sysCode ? ` ${err.sysCode}` : ''}]` : '';
  console.error(`httpget2: ${err instanceof Error ? err.message : String(err)}${code}`);
  process.exitCode = 1;
}
