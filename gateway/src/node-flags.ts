/**
 * Node flags of every launcher of the gateway process: `npm run start:gateway`, the
 * container entry point and the benchmark (scripts/src/infra.test.ts keeps them equal).
 *
 * A heap ceiling well above what the gateway keeps (about 70 MiB live under load, plus at
 * most 64 MiB in each of its two caches). V8 lets the heap grow to up to 4× the live data
 * when the ceiling is its default, a quarter of the machine's memory, and to about 1.6×
 * under 1 GiB: under load the gateway's RSS then holds at about 200 MiB from the first
 * minute, instead of climbing for minutes towards 320 MiB after every quiet spell.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-old-space-size=1024'];
