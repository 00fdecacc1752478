/**
 * Node flags of every launcher of the gateway process: `npm run start:gateway`, the
 * container entry point and the benchmark (scripts/src/infra.test.ts keeps them equal).
 * They must be on the command line: V8 creates its memory reducer when it sets up the heap,
 * so turning the flag off from inside the process changes nothing.
 *
 * No memory reducer. When a process stops allocating, V8's memory reducer collects its heap
 * down toward the live data (here from the ~320 MiB plateau of steady load to ~170 MiB RSS,
 * against ~70 MiB live), and afterwards makes the heap grow slowly: once load returns, it
 * takes minutes of extra major collections to reach the same plateau (README, Benchmarks:
 * Memory). A gateway's memory budget is its plateau under load anyway; keeping it through a
 * lull costs no memory that load did not already take.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];
