/**
 * INN (innd + nnrpd) for the interop suite, in a temp dir on a free loopback
 * port, from the templates in test/interop/config/inn/. innd reads every path
 * from the inn.conf named by $INNCONF, so nothing under /etc/news or
 * /var/spool/news is read or written.
 *
 * When the suite runs as root, innd runs as `news` (it refuses root); the
 * harness hands it the temp dir. innd logs through syslog, which a test
 * machine may not have: a start failure shows little beyond the exit code,
 * and `innd -f -d` under `strace -f -e trace=openat` is then the quickest look.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR, renderTemplate, requireBinary, startServer, type RunningServer } from './harness.js';
import type { TestPKI } from './ca.js';
import { serverFixture, type ServerFixture } from '../helpers/server-fixture.js';

const INN_BIN = '/usr/lib/news/bin';

export interface NewsServer extends RunningServer {
  /** The domain in Path: and Message-IDs. */
  domain: string;
  /** The one postable group. */
  group: string;
  /** The spool file of article `n` in `group` (tradspool: one file per article, stored in wire format). */
  articleFile(n: number, group?: string): string;
}

/** Starts innd with one postable group; STARTTLS (through nnrpd) uses the test PKI's server certificate. */
export async function startInn(pki: TestPKI, group = 'local.test', domain = 'news.test'): Promise<NewsServer> {
  const innd = requireBinary(`${INN_BIN}/innd`, 'inn2');
  const makedbz = requireBinary(`${INN_BIN}/makedbz`, 'inn2');
  requireBinary(`${INN_BIN}/nnrpd`, 'inn2');
  const tpl = (name: string, vars: Record<string, string | number>) =>
    renderTemplate(readFileSync(join(CONFIG_DIR, 'inn', name), 'utf8'), vars, `inn/${name}`);
  const srv = await startServer({
    name: 'innd',
    command: '/bin/sh',
    package: 'inn2',
    user: 'news',
    config: { template: join(CONFIG_DIR, 'inn', 'inn.conf'), vars: { domain }, file: 'etc/inn.conf' },
    files: (ctx) => {
      const vars = { host: ctx.host, group };
      const files: Record<string, string> = {
        'etc/readers.conf': tpl('readers.conf', vars),
        'etc/storage.conf': tpl('storage.conf', vars),
        'etc/newsfeeds': tpl('newsfeeds', vars),
        // No peers: every connection is a reader's, handed to nnrpd.
        'etc/incoming.conf': '',
        'db/active': tpl('active', vars),
        'db/newsgroups': tpl('newsgroups', vars),
        'db/active.times': '',
        'db/history': '',
        'tls/ca.crt': pki.ca.cert,
        'tls/server.crt': pki.server.cert,
        'tls/server.key': pki.server.key,
      };
      // innd creates none of its own directories.
      for (const d of ['run', 'log', 'tmp', 'http', 'filter', 'spool/articles', 'spool/overview', 'spool/incoming/tmp', 'spool/outgoing', 'spool/archive']) {
        files[`${d}/.keep`] = '';
      }
      return files;
    },
    // innd, nnrpd and makedbz find every path through $INNCONF. nnrpd refuses a TLS key that
    // others may read. The history database must exist before innd opens it; a small one (-s)
    // keeps the start fast. -f: the foreground.
    args: (ctx) => [
      '-c',
      'export INNCONF="$1/etc/inn.conf" && chmod 600 "$1/tls/server.key" && cd "$1/db" && "$2" -i -o -s 1000 && cd "$1" && exec "$3" -f',
      'inn-start',
      ctx.dir,
      makedbz,
      innd,
    ],
    timeout: 20_000,
    // innd notices SIGTERM only between its select() rounds; nothing it holds needs a clean shutdown.
    stopTimeout: 1000,
  });
  return {
    ...srv,
    domain,
    group,
    articleFile: (n: number, g = group) => join(srv.dir, 'spool', 'articles', ...g.split('.'), String(n)),
  };
}

/** Call inside a `describe`: INN ({@link startInn}) with a fresh PKI, up for the block's tests and gone after them. */
export function innFixture(group?: string, domain?: string): ServerFixture<NewsServer> {
  return serverFixture((pki) => startInn(pki, group, domain));
}
