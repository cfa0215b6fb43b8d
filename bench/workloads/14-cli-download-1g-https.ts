import { cliDownloadTools } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'cli-download-1g-https',
  title: '`dial URL -o /dev/null` for the 1 GiB file over HTTPS, against curl',
  measures:
    'MB/s, wall clock of the whole command (start-up included): cli-download-1g over TLS (nginx with the test CA, ' +
    'verification on: `--cacert` for both tools).',
  needs: ['nginx'],
  metric: { unit: 'MB/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools: (ctx) => cliDownloadTools(ctx, true),
};
export default workload;
