/**
 * dial's option table and the argv rewriting it drives: which long names
 * exist (curl's), their short letters, and which take a value. curl reads
 * the word after such an option as its value whatever it looks like, which
 * `util.parseArgs` will not do, so {@link normalizeArgv} glues those pairs
 * first. Kept apart from the meaning of the options (args.ts) because this
 * is the only part that knows how words on a command line pair up.
 *
 * @module
 */
import { MAIL_OPTION_SPECS } from './mail-args.js';

type Spec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

/** One word of a parsed command line as util.parseArgs' `tokens` give it, in order: what the files reading "the last one wins" walk. */
export interface OptionToken {
  kind: string;
  name?: string;
  value?: string | undefined;
}

/** Every option dial knows, by curl's long name. */
export const OPTION_SPECS = {
  output: { type: 'string', short: 'o', multiple: true },
  'remote-name': { type: 'boolean', short: 'O', multiple: true },
  'remote-name-all': { type: 'boolean' },
  'remote-header-name': { type: 'boolean', short: 'J' },
  'create-dirs': { type: 'boolean' },
  'no-clobber': { type: 'boolean' },
  'remove-on-error': { type: 'boolean' },
  'output-dir': { type: 'string' },
  'remote-time': { type: 'boolean', short: 'R' },
  'no-buffer': { type: 'boolean', short: 'N' },
  interface: { type: 'string' },
  'local-port': { type: 'string' },
  'speed-limit': { type: 'string', short: 'Y' },
  'speed-time': { type: 'string', short: 'y' },
  'proto-default': { type: 'string' },
  'disallow-username-in-url': { type: 'boolean' },
  'parallel-immediate': { type: 'boolean' },
  'abstract-unix-socket': { type: 'string' },
  ipv4: { type: 'boolean', short: '4' },
  ipv6: { type: 'boolean', short: '6' },
  head: { type: 'boolean', short: 'I' },
  include: { type: 'boolean', short: 'i' },
  verbose: { type: 'boolean', short: 'v' },
  silent: { type: 'boolean', short: 's' },
  'show-error': { type: 'boolean', short: 'S' },
  'no-progress-meter': { type: 'boolean' },
  stderr: { type: 'string' },
  'progress-bar': { type: 'boolean', short: '#' },
  fail: { type: 'boolean', short: 'f' },
  'fail-with-body': { type: 'boolean' },
  location: { type: 'boolean', short: 'L' },
  'max-redirs': { type: 'string' },
  request: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd', multiple: true },
  'data-ascii': { type: 'string', multiple: true },
  'data-binary': { type: 'string', multiple: true },
  'data-raw': { type: 'string', multiple: true },
  'data-urlencode': { type: 'string', multiple: true },
  'url-query': { type: 'string', multiple: true },
  json: { type: 'string', multiple: true },
  get: { type: 'boolean', short: 'G' },
  form: { type: 'string', short: 'F', multiple: true },
  'form-string': { type: 'string', multiple: true },
  'upload-file': { type: 'string', short: 'T' },
  user: { type: 'string', short: 'u' },
  netrc: { type: 'boolean', short: 'n' },
  'netrc-optional': { type: 'boolean' },
  'netrc-file': { type: 'string' },
  basic: { type: 'boolean' },
  digest: { type: 'boolean' },
  anyauth: { type: 'boolean' },
  proxy: { type: 'string', short: 'x' },
  'socks5-hostname': { type: 'string' },
  socks5: { type: 'string' },
  socks4: { type: 'string' },
  socks4a: { type: 'string' },
  'proxy-user': { type: 'string', short: 'U' },
  noproxy: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  cacert: { type: 'string' },
  cert: { type: 'string', short: 'E' },
  key: { type: 'string' },
  proxytunnel: { type: 'boolean', short: 'p' },
  'proxy-basic': { type: 'boolean' },
  'proxy-digest': { type: 'boolean' },
  'proxy-anyauth': { type: 'boolean' },
  'proxy-insecure': { type: 'boolean' },
  'proxy-cacert': { type: 'string' },
  'proxy-cert': { type: 'string' },
  'proxy-key': { type: 'string' },
  'proxy-capath': { type: 'string' },
  'proxy-pass': { type: 'string' },
  'proxy-cert-type': { type: 'string' },
  'proxy-key-type': { type: 'string' },
  'proxy-ciphers': { type: 'string' },
  'proxy-crlfile': { type: 'string' },
  'proxy-tls13-ciphers': { type: 'string' },
  'proxy-pinnedpubkey': { type: 'string' },
  'proxy-tlsv1': { type: 'boolean' },
  'proxy-header': { type: 'string', multiple: true },
  'suppress-connect-headers': { type: 'boolean' },
  'proxy1.0': { type: 'string' },
  'expect100-timeout': { type: 'string' },
  'haproxy-protocol': { type: 'boolean' },
  'ignore-content-length': { type: 'boolean' },
  'http0.9': { type: 'boolean' },
  'tr-encoding': { type: 'boolean' },
  raw: { type: 'boolean' },
  sslv2: { type: 'boolean', short: '2' },
  sslv3: { type: 'boolean', short: '3' },
  tlsv1: { type: 'boolean', short: '1' },
  'tlsv1.0': { type: 'boolean' },
  'tlsv1.1': { type: 'boolean' },
  'tlsv1.2': { type: 'boolean' },
  'tlsv1.3': { type: 'boolean' },
  'tls-max': { type: 'string' },
  ciphers: { type: 'string' },
  'tls13-ciphers': { type: 'string' },
  crlfile: { type: 'string' },
  curves: { type: 'string' },
  'no-alpn': { type: 'boolean' },
  'no-sessionid': { type: 'boolean' },
  capath: { type: 'string' },
  pinnedpubkey: { type: 'string' },
  pass: { type: 'string' },
  'cert-type': { type: 'string' },
  'key-type': { type: 'string' },
  'etag-save': { type: 'string' },
  'etag-compare': { type: 'string' },
  'create-file-mode': { type: 'string' },
  disable: { type: 'boolean', short: 'q' },
  'no-keepalive': { type: 'boolean' },
  'tcp-nodelay': { type: 'boolean' },
  'continue-at': { type: 'string', short: 'C' },
  range: { type: 'string', short: 'r' },
  'max-time': { type: 'string', short: 'm' },
  'connect-timeout': { type: 'string' },
  'max-filesize': { type: 'string' },
  'limit-rate': { type: 'string' },
  compressed: { type: 'boolean' },
  'http1.0': { type: 'boolean', short: '0' },
  'http1.1': { type: 'boolean' },
  'unix-socket': { type: 'string' },
  parallel: { type: 'boolean', short: 'Z' },
  'parallel-max': { type: 'string' },
  'write-out': { type: 'string', short: 'w' },
  'mail-from': { type: 'string' },
  'mail-rcpt': { type: 'string', multiple: true },
  ...MAIL_OPTION_SPECS,
  'list-only': { type: 'boolean', short: 'l' },
  'ftp-port': { type: 'string', short: 'P' },
  'ftp-pasv': { type: 'boolean' },
  'ftp-create-dirs': { type: 'boolean' },
  quote: { type: 'string', short: 'Q', multiple: true },
  append: { type: 'boolean', short: 'a' },
  'use-ascii': { type: 'boolean', short: 'B' },
  crlf: { type: 'boolean' },
  'ftp-method': { type: 'string' },
  'disable-epsv': { type: 'boolean' },
  'no-disable-epsv': { type: 'boolean' },
  epsv: { type: 'boolean' },
  'disable-eprt': { type: 'boolean' },
  'no-disable-eprt': { type: 'boolean' },
  eprt: { type: 'boolean' },
  'ftp-skip-pasv-ip': { type: 'boolean' },
  'no-ftp-skip-pasv-ip': { type: 'boolean' },
  'ftp-account': { type: 'string' },
  'ftp-alternative-to-user': { type: 'string' },
  'time-cond': { type: 'string', short: 'z' },
  ssl: { type: 'boolean' },
  'ssl-reqd': { type: 'boolean' },
  'fail-early': { type: 'boolean' },
  cookie: { type: 'string', short: 'b', multiple: true },
  'cookie-jar': { type: 'string', short: 'c' },
  'junk-session-cookies': { type: 'boolean', short: 'j' },
  hsts: { type: 'string' },
  'doh-url': { type: 'string' },
  'doh-insecure': { type: 'boolean' },
  'dns-servers': { type: 'string' },
  'dns-ipv4-addr': { type: 'string' },
  'dns-ipv6-addr': { type: 'string' },
  'dns-interface': { type: 'string' },
  rate: { type: 'string' },
  'form-escape': { type: 'boolean' },
  'user-agent': { type: 'string', short: 'A' },
  referer: { type: 'string', short: 'e' },
  'trace-json': { type: 'string' },
  trace: { type: 'string' },
  'trace-ascii': { type: 'string' },
  'trace-time': { type: 'boolean' },
  resolve: { type: 'string', multiple: true },
  'connect-to': { type: 'string', multiple: true },
  'request-target': { type: 'string' },
  'path-as-is': { type: 'boolean' },
  post301: { type: 'boolean' },
  post302: { type: 'boolean' },
  post303: { type: 'boolean' },
  'location-trusted': { type: 'boolean' },
  proto: { type: 'string' },
  'proto-redir': { type: 'string' },
  'oauth2-bearer': { type: 'string' },
  'aws-sigv4': { type: 'string' },
  retry: { type: 'string' },
  'retry-delay': { type: 'string' },
  'retry-max-time': { type: 'string' },
  'retry-connrefused': { type: 'boolean' },
  'retry-all-errors': { type: 'boolean' },
  'dump-header': { type: 'string', short: 'D' },
  globoff: { type: 'boolean', short: 'g' },
  url: { type: 'string', multiple: true },
  version: { type: 'boolean', short: 'V' },
  // Spliced out before parsing (config-file.ts); listed so a config file may name another.
  config: { type: 'string', short: 'K' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, Spec>;

const SHORT_TO_LONG = new Map<string, string>();
for (const [name, spec] of Object.entries(OPTION_SPECS) as Array<[string, Spec]>) {
  if (spec.short) SHORT_TO_LONG.set(spec.short, name);
}

/** Whether the option of this long name takes a value (an unknown name does not). */
export function takesValue(long: string): boolean {
  return (OPTION_SPECS as Record<string, Spec>)[long]?.type === 'string';
}

/**
 * The long name an option word stands for (`-o`, `--output`, or bare `output` as a config file writes it;
 * `no-X` for a boolean X, which turns it off), or undefined when dial has none.
 */
export function longName(word: string): string | undefined {
  const known = (name: string) => (Object.hasOwn(OPTION_SPECS, name) || isBoolean(negatedName(name)) ? name : undefined);
  if (word.startsWith('--')) return known(word.slice(2));
  if (word.startsWith('-')) return word.length === 2 ? SHORT_TO_LONG.get(word[1]!) : undefined;
  return known(word);
}

/**
 * curl takes the next word as an option's value whatever it looks like
 * (`-d -x`, `-C -`); parseArgs refuses a value that starts with a dash, so
 * such pairs are glued into `--name=value` first. And as curl, `--no-X`
 * turns a boolean option X off again (one set by a -K file, say): the X
 * given before it are dropped, and one given after it wins.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  return negated(glued(argv));
}

/** X for a long name `no-X` that is not an option of its own; '' otherwise. */
function negatedName(long: string): string {
  return long.startsWith('no-') && !Object.hasOwn(OPTION_SPECS, long) ? long.slice(3) : '';
}

function isBoolean(name: string): boolean {
  return Object.hasOwn(OPTION_SPECS, name) && (OPTION_SPECS as Record<string, Spec>)[name]!.type === 'boolean';
}

/** Drops each `--no-X` of a boolean X (that is not an option of its own) with every `--X` before it; `--` ends the options. */
function negated(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') return out.concat(words.slice(i));
    const name = w.startsWith('--') ? negatedName(w.slice(2)) : '';
    if (!isBoolean(name)) {
      out.push(w);
      continue;
    }
    for (let j = out.length - 1; j >= 0; j--) if (out[j] === `--${name}`) out.splice(j, 1);
  }
  return out;
}

function glued(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--') && !a.includes('=')) {
      const long = a.slice(2);
      if (takesValue(long) && i + 1 < argv.length) {
        out.push(`--${long}=${argv[++i]!}`);
        continue;
      }
    } else if (a.length > 1 && a[0] === '-' && a[1] !== '-') {
      // A short cluster: the first letter that takes a value swallows the rest
      // of the word, or the next word when it is last.
      const cluster = a.slice(1);
      const parts: string[] = [];
      let j = 0;
      for (; j < cluster.length; j++) {
        const long = SHORT_TO_LONG.get(cluster[j]!);
        if (long === undefined) break;
        if (takesValue(long)) {
          const rest = cluster.slice(j + 1);
          if (rest !== '') parts.push(`--${long}=${rest}`);
          else if (i + 1 < argv.length) parts.push(`--${long}=${argv[++i]!}`);
          else parts.push(`--${long}`);
          j = cluster.length + 1;
          break;
        }
        parts.push(`--${long}`);
      }
      if (j >= cluster.length) {
        out.push(...parts);
        continue;
      }
    }
    out.push(a);
  }
  return out;
}
