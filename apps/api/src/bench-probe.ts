import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Benchmark-only probe (bench/api.bench.js): with AMANI_BENCH_PROBE=1, and only when the process
 * was started by a parent with an IPC channel, it samples its event-loop delay and answers the
 * message 'amani-bench-probe' with the figures since the previous one, then starts over. Nothing
 * is served over HTTP and no signal is taken (Nest's shutdown hooks own them); production refuses the flag.
 */
export function installBenchProbe(env: NodeJS.ProcessEnv = process.env): void {
  if (env.AMANI_BENCH_PROBE !== '1') return;
  if (env.NODE_ENV === 'production') throw new Error('AMANI_BENCH_PROBE is a benchmark flag and is refused in production');
  if (!process.send) return;
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  process.on('message', (message) => {
    if (message !== 'amani-bench-probe') return;
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    process.send?.({ amaniBenchProbe: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) } });
    h.reset();
  });
  // The IPC channel must not keep the process alive on its own.
  process.channel?.unref();
}
