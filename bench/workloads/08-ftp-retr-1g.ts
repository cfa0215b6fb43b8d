import type { Tool, Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'ftp-retr-1g',
  title: '1 GiB FTP RETR (vsftpd)',
  measures:
    'MB/s for one anonymous passive-mode RETR of the 1 GiB file (64 MiB with --quick) from vsftpd (sendfile on) on loopback, ' +
    'including login; curl writes to /dev/null, the node clients count bytes into a null sink.',
  needs: ['vsftpd'],
  metric: { unit: 'MB/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools(ctx) {
    const url = ctx.ftp + '/big.bin';
    const node = (name: string, role: Tool['role'], script: string): Tool => ({
      name,
      role,
      argv: [ctx.node, ctx.client(script), '--url', url, '--count', '1'],
      kind: 'json',
    });
    return [
      node('dialtone', 'dialtone', 'dialtone-ftp'),
      node('basic-ftp', 'peer', 'basic-ftp'),
      { name: 'curl', role: 'peer', argv: ['curl', '-sS', '--fail', '-o', '/dev/null', url], kind: 'external', requests: 1, bytes: ctx.bigSize },
    ];
  },
  targets: {
    'basic-ftp': [
      { on: 'rate', op: '>=', value: 1.1 },
      { on: 'rss', op: '<', value: 64 },
    ],
    curl: [{ on: 'rate', op: '>=', value: 1.0 }],
  },
};
export default workload;
