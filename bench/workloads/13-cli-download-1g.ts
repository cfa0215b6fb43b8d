import { cliDownloadTools } from '../lib/tools.js';
import type { Workload } from '../lib/types.js';

const workload: Workload = {
  name: 'cli-download-1g',
  title: '`dial URL -o /dev/null` for the 1 GiB file, against curl',
  measures:
    'MB/s, wall clock of the whole command (start-up included), for the CLI\'s main job: one GET of the 1 GiB file ' +
    '(64 MiB with --quick) written to /dev/null by `dial -o /dev/null` and `curl -o /dev/null`. Both write every byte.',
  needs: ['nginx'],
  metric: { unit: 'MB/s', higherIsBetter: true },
  rounds: { full: 5, quick: 2 },
  tools: (ctx) => cliDownloadTools(ctx, false),
};
export default workload;
