#!/usr/bin/env node
// @ts-check
/**
 * Sends its arguments (joined by spaces) to a Unix-domain echo server,
 * half-closes, and prints everything that comes back.
 *
 *   node examples/unix-echo-client.mjs path message…
 */
import { Socket, DialError } from 'dialtone';

const TIMEOUT = 10_000;

/**
 * @param {string[]} argv
 */
async function main(argv) {
  const [path, ...words] = argv;
  if (!path || words.length === 0) throw new Error('usage: unix-echo-client.mjs path message…');
  const sock = await Socket.connect({ path, timeout: TIMEOUT });
  try {
    await sock.send(words.join(' '), { timeout: TIMEOUT });
    await sock.shutdown('write'); // the server sees end of stream, echoes, and closes
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
  process.stderr.write(`unix-echo-client: ${err instanceof Error ? err.message : String(err)}${code}\n`);
  process.exitCode = 1;
});
