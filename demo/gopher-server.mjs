// @ts-check
/**
 * A tiny Gopher server for the demo (RFC 1436): a root menu, a text file
 * (with a dot-stuffed line), a sub-menu and a search that answers with a menu.
 */
import net from 'node:net';

/** @returns {Promise<{ port: number, close(): Promise<void> }>} */
export async function startGopherServer() {
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const { port } = /** @type {net.AddressInfo} */ (sock.address());
    const item = (/** @type {string} */ type, /** @type {string} */ name, /** @type {string} */ selector) => `${type}${name}\t${selector}\t127.0.0.1\t${port}\r\n`;
    const info = (/** @type {string} */ text) => `i${text}\t\terror.host\t1\r\n`;
    let line = '';
    sock.on('data', function onData(chunk) {
      line += chunk.toString('utf8');
      const end = line.indexOf('\r\n');
      if (end < 0) return;
      sock.off('data', onData);
      const [selector = '', query = ''] = line.slice(0, end).split('\t');
      const routes = {
        '': () =>
          info('Welcome to the dialtone demo gopher hole') +
          info('') +
          item('0', 'About this server', '/about.txt') +
          item('1', 'Recipes', '/recipes') +
          item('7', 'Search the recipes', '/search') +
          '.\r\n',
        '/about.txt': () => 'This text came over Gopher (RFC 1436).\r\n..and this line was dot-stuffed on the wire.\r\n.\r\n',
        '/recipes': () => item('0', 'Tea', '/recipes/tea.txt') + item('0', 'Toast', '/recipes/toast.txt') + '.\r\n',
        '/recipes/tea.txt': () => 'Boil water. Add tea. Wait.\r\n.\r\n',
        '/recipes/toast.txt': () => 'Bread, heat, patience.\r\n.\r\n',
        '/search': () =>
          ['Tea', 'Toast'].filter((n) => n.toLowerCase().includes(query.toLowerCase())).map((n) => item('0', n, `/recipes/${n.toLowerCase()}.txt`)).join('') + '.\r\n',
      };
      const route = /** @type {Record<string, () => string>} */ (routes)[selector];
      sock.end(route ? route() : `3'${selector}' is not here\terror.host\t1\r\n.\r\n`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
