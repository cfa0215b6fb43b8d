/**
 * The proxy options as dial reads them, curl's way: the proxy is whichever
 * of -x, --proxy1.0 and the SOCKS options came last, its credentials go as the last of
 * --proxy-basic, --proxy-digest and --proxy-anyauth says, -p tunnels plain
 * http, and an https:// proxy has TLS files of its own.
 *
 * @module
 */
import type { OptionToken } from './argv.js';
import { parseTlsArgs } from './tls-args.js';
import type { TlsFlags } from './tls-options.js';

/** curl's SOCKS options, as the proxy URL scheme each stands for. */
const SOCKS = { socks4: 'socks4', socks4a: 'socks4a', socks5: 'socks5', 'socks5-hostname': 'socks5h' } as const;

/** The option values this file reads. */
interface ProxyValues {
  proxytunnel?: boolean | undefined;
  'proxy-insecure'?: boolean | undefined;
  'proxy-cacert'?: string | undefined;
  'proxy-cert'?: string | undefined;
  'proxy-key'?: string | undefined;
  'proxy-capath'?: string | undefined;
  'proxy-pass'?: string | undefined;
  'proxy-cert-type'?: string | undefined;
  'proxy-key-type'?: string | undefined;
  'proxy-ciphers'?: string | undefined;
  'proxy-crlfile'?: string | undefined;
  'proxy-tls13-ciphers'?: string | undefined;
  'proxy-pinnedpubkey'?: string | undefined;
}

export interface ProxyArgs {
  /** -x, or --socks4/--socks4a/--socks5/--socks5-hostname as a proxy URL: whichever came last. */
  proxy: string | undefined;
  /** --proxy-basic, --proxy-digest or --proxy-anyauth, whichever came last; undefined = Basic, as curl. */
  proxyAuth: 'basic' | 'digest' | 'any' | undefined;
  /** '1.0' when --proxy1.0 named the proxy (the last proxy option): its CONNECT says HTTP/1.0. */
  proxyConnectVersion: '1.0' | undefined;
  /** -p: tunnel plain http through an HTTP proxy (CONNECT) instead of having it forward the request. */
  proxyTunnel: boolean;
  /** --proxy-insecure, --proxy-cacert, --proxy-cert/--proxy-key and the rest: the TLS of an https:// proxy, apart from the server's (as curl). */
  proxyTls: TlsFlags;
}

export function proxyArgs(tokens: readonly OptionToken[], v: ProxyValues): ProxyArgs {
  let proxy: string | undefined;
  let proxyAuth: ProxyArgs['proxyAuth'];
  let proxyConnectVersion: ProxyArgs['proxyConnectVersion'];
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined) continue;
    if (t.name === 'proxy-basic' || t.name === 'proxy-digest' || t.name === 'proxy-anyauth') proxyAuth = t.name === 'proxy-anyauth' ? 'any' : t.name === 'proxy-digest' ? 'digest' : 'basic';
    else if (t.name in SOCKS || t.name === 'proxy' || t.name === 'proxy1.0') {
      // --proxy1.0 is -x with a CONNECT of HTTP/1.0; a later -x makes it 1.1 again, as in curl.
      proxy = t.name === 'proxy' || t.name === 'proxy1.0' ? t.value : `${SOCKS[t.name as keyof typeof SOCKS]}://${t.value ?? ''}`;
      proxyConnectVersion = t.name === 'proxy1.0' ? '1.0' : undefined;
    }
  }
  return {
    proxy,
    proxyAuth,
    proxyConnectVersion,
    proxyTunnel: v.proxytunnel ?? false,
    proxyTls: {
      insecure: v['proxy-insecure'] ?? false,
      cacert: v['proxy-cacert'],
      cert: v['proxy-cert'],
      key: v['proxy-key'],
      // Of the version options curl has only --proxy-tlsv1 for a proxy (no --proxy-tlsv1.x or --proxy-tls-max).
      tlsArgs: parseTlsArgs(
        {
          ciphers: v['proxy-ciphers'],
          'tls13-ciphers': v['proxy-tls13-ciphers'],
          capath: v['proxy-capath'],
          pinnedpubkey: v['proxy-pinnedpubkey'],
          pass: v['proxy-pass'],
          'cert-type': v['proxy-cert-type'],
          'key-type': v['proxy-key-type'],
          crlfile: v['proxy-crlfile'],
        },
        tokens,
        'proxy-',
      ),
    },
  };
}
