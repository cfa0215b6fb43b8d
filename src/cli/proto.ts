/**
 * curl's `--proto` and `--proto-redir` lists (`=http,https`, `-all,+https`,
 * `-ftps`): which schemes dial may use at all, and which a redirect may
 * lead to. A scheme refused is curl's exit 1, before anything is sent.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

/**
 * The protocol names a list may hold: curl 7.88's (what its `all` means)
 * and dial's own schemes curl lacks. Naming one dial cannot open only
 * allows what fails anyway.
 */
const KNOWN = [
  'dict', 'file', 'ftp', 'ftps', 'gopher', 'gophers', 'http', 'https', 'imap', 'imaps', 'ldap', 'ldaps', 'mqtt', 'pop3', 'pop3s',
  'rtmp', 'rtsp', 'scp', 'sftp', 'smb', 'smbs', 'smtp', 'smtps', 'telnet', 'tftp',
  'data', 'news', 'snews', 'nntp', 'nntps',
];

/** What a redirect may lead to when --proto-redir says nothing (curl's default since 7.65.2). */
export const DEFAULT_REDIRECT_PROTOCOLS: readonly string[] = ['http', 'https', 'ftp', 'ftps'];

/**
 * Applies a list in curl's syntax to `base` (every known protocol for
 * --proto, {@link DEFAULT_REDIRECT_PROTOCOLS} for --proto-redir): entries
 * left to right, comma separated, each a name or `all` after any of the
 * modifiers `+` (add; the default), `-` (remove) and `=` (only this, so far).
 * An unknown name is curl's warning; a modifier with no name is exit 2.
 */
export function parseProtocols(option: string, list: string, base: readonly string[], warn: (line: string) => void): Set<string> {
  const allowed = new Set(base);
  for (const entry of list.split(',')) {
    if (entry === '') continue;
    let i = 0;
    let action: '+' | '-' | '=' = '+';
    for (; i < entry.length && '+-='.includes(entry[i]!); i++) {
      action = entry[i] as '+' | '-' | '=';
      if (action === '=') allowed.clear();
    }
    const name = entry.slice(i).toLowerCase();
    if (name === '') throw new CliExit(EXIT.FAILED_INIT, `option --${option}: is badly used here`);
    const names = name === 'all' ? KNOWN : KNOWN.includes(name) ? [name] : undefined;
    if (!names) {
      warn(`Warning: unrecognized protocol '${name}'`);
      continue;
    }
    for (const n of names) {
      if (action === '-') allowed.delete(n);
      else allowed.add(n);
    }
  }
  return allowed;
}

/** All the protocols --proto starts from. */
export const ALL_PROTOCOLS: readonly string[] = KNOWN;

/** Exit 1, as curl, unless `scheme` (lowercase, no colon) is in `allowed` (undefined: every scheme). */
export function checkProtocol(scheme: string, allowed: ReadonlySet<string> | undefined): void {
  if (allowed && !allowed.has(scheme)) throw new CliExit(EXIT.UNSUPPORTED_PROTOCOL, `Protocol "${scheme}" not supported or disabled by --proto`);
}
