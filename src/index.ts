/**
 * dialtone: Internet-protocol clients for Node.js, in layers — sockets, a line
 * layer for chat-style protocols, protocol clients, urlopen and the dial CLI.
 *
 * The root entry gathers every layer; each also has its own subpath
 * (`dialtone/socket`, `dialtone/line`, `dialtone/http`, `dialtone/ftp`,
 * `dialtone/gopher`, `dialtone/smtp`, `dialtone/pop3`, `dialtone/nntp`,
 * `dialtone/urlopen`) that loads only what it needs.
 *
 * @module
 */
export * from './errors.js';
export * from './socket/index.js';
export * from './line/index.js';
export type { WaitOptions } from './util/guard.js';
export { maskSecrets, type TraceEvent, type TraceKind, type Tracer } from './trace.js';
export { urlopen, parseUrl, registerScheme, unregisterScheme, closeIdleSessions, UrlResponse, type OpenOptions, type Opener, type OpenBody, type Progress } from './urlopen/index.js';
export { request, download, Agent, HttpResponse, HTTPConnection, HeaderList, type RequestOptions } from './protocols/http/index.js';
export { FtpClient, FtpPool, type FtpPoolOptions } from './protocols/ftp/index.js';
export { gopherFetch } from './protocols/gopher/index.js';
export { SmtpClient } from './protocols/smtp/index.js';
export { Pop3Client } from './protocols/pop3/index.js';
export { NntpClient } from './protocols/nntp/index.js';
export * as http from './protocols/http/index.js';
export * as ftp from './protocols/ftp/index.js';
export * as gopher from './protocols/gopher/index.js';
export * as smtp from './protocols/smtp/index.js';
export * as pop3 from './protocols/pop3/index.js';
export * as nntp from './protocols/nntp/index.js';
export * as dns from './protocols/dns/index.js';
