#!/usr/bin/env node
// @ts-check
/**
 * Sends its arguments (joined by spaces) as one datagram to a UDP echo server
 * on 127.0.0.1 and prints the reply. It uses the *connected* semantics: after
 * connect() the socket only talks to that server — send/recv need no address
 * and datagrams from anyone else are dropped by the kernel — and a closed port
 * is reported (ICMP port unreachable → DIAL_E_CONNECT) instead of a silent wait.
 *
 *   node examples/udp-echo-client.mjs port message…
 */
import { DatagramSocket, DialError, TimeoutError } from 'dialtone';

const TRIES = 3; // UDP may lose a datagram: resend, with a growing wait, a bounded number of times
const FIRST_WAIT = 1000; // ms

/**
 * @param {string[]} argv
 */
async function main(argv) {
  const [portArg, ...words] = argv;
  if (!portArg || words.length === 0) throw new Error('usage: udp-echo-client.mjs port message…');
  const sock = await DatagramSocket.bind({ host: '127.0.0.1' });
  try {
    await sock.connect('127.0.0.1', Number(portArg));
    const message = words.join(' ');
    for (let attempt = 1, wait = FIRST_WAIT; ; attempt++, wait *= 2) {
      await sock.send(message);
      try {
        const reply = await sock.recv({ timeout: wait });
        console.log(reply.toString('utf8'));
        return;
      } catch (err) {
        if (!(err instanceof TimeoutError) || attempt >= TRIES) throw err;
      }
    }
  } finally {
    await sock.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  const code = err instanceof DialError ? ` [${err.code}${err.sysCode ? ` ${err.sysCode}` : ''}]` : '';
  process.stderr.write(`udp-echo-client: ${err instanceof Error ? err.message : String(err)}${code}\n`);
  process.exitCode = 1;
});
