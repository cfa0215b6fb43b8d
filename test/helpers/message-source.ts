/**
 * A MessageSource (the line layer's feed of a DotBody) made of given lines,
 * for the tests of DotBody and of the messages built on it: no socket, and
 * a log of what the body did to its source.
 */
import type { MessageSource } from '../../src/line/dot-body.js';

/**
 * A source whose chunks are `lines`, each CRLF-ended, one chunk per line;
 * `settled n` and `abort` are pushed onto `log` as the body calls them.
 */
export function linesSource(lines: string[], log: string[]): MessageSource {
  return {
    chunks: (async function* () {
      for (const l of lines) yield Buffer.from(`${l}\r\n`);
    })(),
    settled: (n) => log.push(`settled ${n}`),
    abort: async () => {
      log.push('abort');
    },
  };
}
