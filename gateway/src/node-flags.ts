/**
 * Node flags of every launcher of the gateway process: `npm run start:gateway`, the
 * container entry point and the benchmark (e2e/src/infra.test.ts keeps them equal).
 * They must be on the command line: V8 sizes its heap, and decides how it grows, when it
 * sets the heap up, so flags set from inside the process change nothing there.
 *
 * A heap ceiling well above what the gateway keeps (about 70 MiB live under load, plus at
 * most 64 MiB in each of its two caches). With the default ceiling, a quarter of the
 * machine's memory, V8 lets the heap grow to up to 4× the live data, and the gateway's RSS
 * climbs for minutes toward ~320 MiB, again after every quiet spell in which V8's memory
 * reducer shrank it. Under 1 GiB V8 grows the heap by about 1.6× instead: RSS holds at
 * about 200 MiB from the first minute, for about 11 % more CPU per response spent on
 * collections (README, Benchmarks: Memory).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-old-space-size=1024'];
