#!/usr/bin/env node
// @ts-check
/**
 * Sends its arguments (joined by spaces) to a TCP echo server on 127.0.0.1,
 * half-closes, and prints everything that comes back.
 *
 *   node examples/tcp-echo-client.mjs port message…
 */
import { Socket, DialError } from 'dialtone';

const TIMEOUT = 10_000;

/**
 * @param {string[]} argv
 */
async function main(argv) {
  const [portArg, ...words] = argv;
  if (!portArg || words.length === 0) throw new Error('usage: tcp-echo-client.mjs port message…');
  const sock = await Socket.connect({ host: '127.0.0.1', port: Number(portArg), timeout: TIMEOUT });
  try {
    await sock.send(words.join(' '), { timeout: TIMEOUT });
    // Half-close: the server sees end of stream, echoes the rest, and closes — so our
    // recv loop ends on the empty buffer instead of guessing when the echo is complete.
    await sock.shutdown('write');
    /** @type {Buffer[]} */
    const parts = [];
    for (;;) {
      const chunk = await sock.recv(65536, { timeout: TIMEOUT });
      if (chunk.length === 0) break;
      parts.push(chunk);
    }
    console.log(Buffer.concat(parts).toString('utf8'));
  } finally {
    await sock.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  const code = err instanceof DialError ? ` [${err.code}]` : '';
  process.stderr.write(`tcp-echo-client: ${err instanceof Error ? err.message : String(err)}${code}\n`);
  process.exitCode = 1;
});
