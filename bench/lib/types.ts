/** The shapes a workload file (bench/workloads/*.ts) exports and the harness fills. */

/** What a workload can ask the harness for. */
export interface BenchContext {
  quick: boolean;
  /** The repository (source) root: bench/config, bin/dial.js, bench/results.json. */
  repo: string;
  /** The compiled tree holding bench/ and src/ (dist, or another --outDir). */
  out: string;
  /** The node binary running the harness. */
  node: string;
  /** Absolute path of the compiled client script `name` (bench/clients/<name>.js). */
  client(name: string): string;
  /** http://127.0.0.1:port of the bench nginx. */
  http: string;
  /** https://localhost:port of the bench nginx (test CA). */
  https: string;
  /** PEM file of the test CA. */
  caPath: string;
  /** ftp://127.0.0.1:port of the bench vsftpd. */
  ftp: string;
  /** Size of /big.bin (1 GiB; 64 MiB with --quick). */
  bigSize: number;
  /** How many /f/<n>.txt small files exist. */
  smallFiles: number;
  /** bin/dial.js when it exists. */
  dialBin: string | undefined;
}

export type Role = 'dialtone' | 'peer' | 'ceiling' | 'baseline';

/** One tool (client) a workload runs, in its own child process. */
export interface Tool {
  name: string;
  role: Role;
  /** The command; run as `/usr/bin/time … argv` for CPU and peak RSS. */
  argv: string[];
  /**
   * 'json': a bench/clients script printing the report line; 'external': a
   * program (curl, wrk, node -e 0) whose work is `requests`/`bytes` (or parsed
   * by `parse`) and whose time is the wall clock around it.
   */
  kind: 'json' | 'external';
  requests?: number;
  bytes?: number;
  /** For external tools that report their own figures (wrk). */
  parse?: (stdout: string, stderr: string) => { requests: number; bytes: number; seconds: number };
  /** Send stdout to /dev/null instead of reading it (bodies written to stdout). */
  discardStdout?: boolean;
  /** Set when the tool cannot run in this tree yet: reported as n/a. */
  unavailable?: string;
}

/** A target from issue 7, checked against a comparison. */
export interface Target {
  /**
   * 'rate': ratio of the metric (a ÷ b); 'cpu': ratio of CPU µs per request;
   * 'rss': a's highest peak RSS in MB; 'rssRatio': a's peak RSS ÷ b's.
   */
  on: 'rate' | 'cpu' | 'rss' | 'rssRatio';
  op: '>=' | '<=' | '<';
  value: number;
}

export interface Comparison {
  /** The tool whose figure is the numerator (usually dialtone). */
  a: string;
  /** The tool it is compared with. */
  b: string;
  targets?: Target[];
  note?: string;
}

export interface Workload {
  /** Short id used by --only and in results.json. */
  name: string;
  /** The row title (issue 7's wording). */
  title: string;
  /** One or two sentences for bench/README.md. */
  measures: string;
  needs: Array<'nginx' | 'vsftpd'>;
  metric: { unit: 'req/s' | 'MB/s' | 'ms'; higherIsBetter: boolean };
  /** Rounds (each tool once per round, in rotating order): full and --quick. */
  rounds: { full: number; quick: number };
  /** Per-run timeout in seconds. */
  timeout?: number;
  tools(ctx: BenchContext): Tool[];
  /** Defaults to: the first 'dialtone' tool vs every other tool. */
  comparisons?(tools: Tool[]): Comparison[];
  /** Targets for the default comparisons, by peer tool name. */
  targets?: Record<string, Target[]>;
}

/** One run of one tool. */
export interface Sample {
  /** The round it ran in (0-based): pairs it with the other tools' runs of the same round. */
  round: number;
  value: number;
  requests: number;
  bytes: number;
  seconds: number;
  wallSeconds: number;
  cpuUs: number;
  maxRssKb: number;
}
