/**
 * The scheme registry: which {@link Opener} answers which URL scheme.
 * Built-in schemes are loaded on first use (dynamic import), so a program
 * that only opens file: URLs never loads the HTTP or FTP stacks and `dial`
 * starts fast.
 *
 * @module
 */
import { InputError } from '../errors.js';
import type { Opener } from './types.js';

type Loader = () => Promise<Opener>;

const registered = new Map<string, Opener>();
const loaded = new Map<string, Opener>();

const DEFAULTS: Readonly<Record<string, Loader>> = {
  file: async () => (await import('./schemes/file.js')).openFile,
  data: async () => (await import('./schemes/data.js')).openData,
  http: async () => (await import('./schemes/http.js')).openHttp,
  https: async () => (await import('./schemes/http.js')).openHttp,
  gopher: async () => (await import('./schemes/gopher.js')).openGopher,
  ftp: async () => (await import('./schemes/ftp.js')).openFtp,
  ftps: async () => (await import('./schemes/ftp.js')).openFtp,
  pop3: async () => (await import('./schemes/pop3.js')).openPop3,
  pop3s: async () => (await import('./schemes/pop3.js')).openPop3,
  news: async () => (await import('./schemes/nntp.js')).openNntp,
  snews: async () => (await import('./schemes/nntp.js')).openNntp,
  nntp: async () => (await import('./schemes/nntp.js')).openNntp,
  nntps: async () => (await import('./schemes/nntp.js')).openNntp,
  smtp: async () => (await import('./schemes/smtp.js')).openSmtp,
  smtps: async () => (await import('./schemes/smtp.js')).openSmtp,
};

const SCHEME_NAME = /^[a-z][a-z0-9+.-]*$/;

function normalize(name: string): string {
  const n = String(name).toLowerCase().replace(/:$/, '');
  if (!SCHEME_NAME.test(n)) throw new InputError(`"${name}" is not a valid URL scheme name`);
  return n;
}

/**
 * Makes `opener` answer URLs of scheme `name` (without the colon,
 * case-insensitive). It replaces a built-in opener of the same name.
 */
export function registerScheme(name: string, opener: Opener): void {
  if (typeof opener !== 'function') throw new InputError('registerScheme needs an opener function');
  registered.set(normalize(name), opener);
}

/** Removes a scheme added with {@link registerScheme}; a built-in one answers again. Returns whether one was removed. */
export function unregisterScheme(name: string): boolean {
  return registered.delete(normalize(name));
}

/** Every scheme urlopen knows: built-in and registered, sorted. */
export function knownSchemes(): string[] {
  return [...new Set([...Object.keys(DEFAULTS), ...registered.keys()])].sort();
}

/**
 * The opener for `scheme`; an InputError (DIAL_E_UNSUPPORTED) naming the
 * scheme when there is none.
 */
export async function lookupScheme(scheme: string): Promise<Opener> {
  const name = normalize(scheme);
  const mine = registered.get(name);
  if (mine) return mine;
  const cached = loaded.get(name);
  if (cached) return cached;
  const loader = Object.hasOwn(DEFAULTS, name) ? DEFAULTS[name] : undefined;
  if (!loader) {
    throw new InputError(`unsupported URL scheme "${name}:" (known: ${knownSchemes().join(', ')})`, { code: 'DIAL_E_UNSUPPORTED' });
  }
  const opener = await loader();
  loaded.set(name, opener);
  return opener;
}
