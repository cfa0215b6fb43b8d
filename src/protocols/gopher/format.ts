/**
 * Human-readable menus for `dial gopher://…`: one line per item with a short
 * type label, info lines as plain text, and the URL of each link.
 *
 * @module
 */
import type { MenuItem } from './core/menu.js';
import { buildGopherUrl } from './core/url.js';

const LABELS: Readonly<Record<string, string>> = {
  '0': 'TXT',
  '1': 'DIR',
  '2': 'CSO',
  '3': 'ERR',
  '4': 'HQX',
  '5': 'DOS',
  '6': 'UUE',
  '7': 'ASK',
  '8': 'TEL',
  '9': 'BIN',
  '+': 'MIR',
  g: 'GIF',
  I: 'IMG',
  T: 'TN3',
  h: 'HTM',
  s: 'SND',
  d: 'DOC',
  p: 'PNG',
  P: 'PDF',
};

/** Where an item points, as a URL: `h` items with a `URL:` selector give that URL. */
export function itemUrl(item: MenuItem): string | undefined {
  if (item.type === 'i' || item.type === '3') return undefined;
  if (item.selector.startsWith('URL:')) return item.selector.slice(4);
  if (item.type === '8' || item.type === 'T') return item.host ? `telnet://${item.host}${item.port ? `:${item.port}` : ''}/` : undefined;
  if (!item.host || !item.port) return undefined;
  try {
    return buildGopherUrl({ host: item.host, port: item.port, type: item.type, selector: item.selector, encoding: item.encoding });
  } catch {
    return undefined; // a selector we could not send either
  }
}

/** Strips terminal control characters a hostile menu could use to rewrite the screen. */
function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

/**
 * Formats a menu for a terminal: `[DIR] name  → gopher://…` per link, info
 * lines indented as text, errors marked. Ends with a newline (unless empty).
 */
export function formatMenu(items: readonly MenuItem[]): string {
  let out = '';
  for (const item of items) {
    const display = clean(item.display);
    if (item.type === 'i') {
      out += display ? `      ${display}\n` : '\n';
      continue;
    }
    const label = item.type === '3' ? 'ERR' : (LABELS[item.type] ?? `?${clean(item.type)}?`.padEnd(3).slice(0, 3));
    const url = itemUrl(item);
    out += `[${label}] ${display}${url ? `  → ${clean(url)}` : ''}\n`;
  }
  return out;
}
