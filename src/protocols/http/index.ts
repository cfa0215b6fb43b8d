/**
 * The HTTP/1.1 client: `request()` for one call, `Agent`/`Pool` for
 * connection reuse, `HTTPConnection` for the seed's httplib-style layer, and
 * the sans-IO core underneath for those who bring their own transport.
 *
 * @module
 */
export { request, type RequestOptions } from './client.js';
export { HttpResponse, type HttpResponseInit } from './response.js';
export { Agent, defaultConnect, getGlobalAgent, setGlobalAgent, type AgentOptions, type ConnectFactory, type ConnectFactoryOptions, type ConnectSettings, type Origin } from './agent.js';
export { Pool, type PoolOptions, type PoolConnect, type PoolConnectOptions, type PoolRequestOptions } from './pool.js';
export { HttpConnection, isRetryable, type Exchange, type ExchangeResponse, type ConnectionOptions, type HttpProgress } from './connection.js';
export { BodyStream, type BodySource } from './body-stream.js';
export { HeaderList, type HeadersInit } from './core/headers.js';
export { ResponseParser, DEFAULT_LIMITS, type HttpLimits, type ResponseEvent } from './core/response-parser.js';
export { isRedirect, planRedirect, type RedirectPolicy, type RedirectPlan, type RedirectRequest } from './redirects.js';
export type { BodyInit } from './request-body.js';
export type { HttpVersion } from './core/request.js';
export { HTTPConnection, HTTPResponse, type HTTPConnectionOptions } from './lowlevel.js';
export { decodeBody, parseContentEncoding, ACCEPT_ENCODING, DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode.js';
export { openProxyTunnel, connectTunnel, socks5Connect, proxyForUrl, parseProxyUrl, matchesNoProxy, type ProxyTunnelOptions, type TunnelOptions } from './proxy/index.js';
export { basicCredentials, DigestAuth, parseChallenges, type AuthScheme } from './auth/index.js';
export { download, Download, type DownloadOptions, type ResumeEvent } from './resume.js';
export { parseContentRange, type ContentRange } from './core/content-range.js';
export { HstsCache, type HstsEntry } from './hsts.js';
export { parseStrictTransportSecurity, type StsPolicy } from './core/sts.js';
export { CookieJar, parseSetCookie, parseCookieDate, parseNetscape, serializeNetscape, parseCookieString, MAX_COOKIE_SIZE, type Cookie, type CookieJarLimits, type ParsedSetCookie } from './cookies.js';
