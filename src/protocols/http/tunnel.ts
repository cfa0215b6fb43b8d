import { InputError } from '../../errors.js';
import type { ByteStream } from '../../socket/types.js';
import type { ConnectFactoryOptions, Origin } from './agent.js';

/**
 * Opens a tunnel through `options.proxy` (HTTP CONNECT or SOCKS5) to
 * `origin`, then TLS to the origin itself for https — so the target's
 * certificate is checked against the target's name, never the proxy's.
 */
export async function connectThroughProxy(origin: Origin, options: ConnectFactoryOptions): Promise<ByteStream> {
  // TODO(proxy): wire proxy/http-connect.ts connectTunnel and proxy/socks5.ts socks5Connect once they land.
  throw new InputError(`tunnelling through ${options.proxy?.protocol ?? 'a'} proxy to ${origin.hostname} is not available yet`, {
    code: 'DIAL_E_UNSUPPORTED',
    protocol: 'http',
    phase: 'connect',
  });
}
