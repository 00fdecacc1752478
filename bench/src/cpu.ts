/**
 * CPU time of the processes one request wakes on this machine, from Linux /proc (10 ms
 * resolution): the gateway, the subgraphs, Postgres and the load generator. Their sum per
 * request is what the machine's cores must supply, whatever the latency says.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU ms per request of each process that served it. */
export interface CpuShares {
  gateway: number;
  subgraphs: number;
  postgres: number;
  generator: number;
}

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, counted after the parenthesised command name). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU ms of every local `postgres` process (the server and its backends) by pid; empty when
 * none is visible (a server on another host or in a container of its own).
 */
export function postgresCpuMs(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        byPid.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return byPid;
}

/** What the processes of a request had used at one moment. */
export interface CpuReading {
  gateway: number;
  subgraphs: number;
  generator: number;
  postgres: Map<number, number>;
}

export function readCpu(pids: { gateway: number; subgraphs: number; generator: number }): CpuReading {
  return {
    gateway: cpuMsOf(pids.gateway),
    subgraphs: cpuMsOf(pids.subgraphs),
    generator: cpuMsOf(pids.generator),
    postgres: postgresCpuMs(),
  };
}

/**
 * What was spent between two readings. A Postgres backend that started in between counts
 * whole; one that ended takes its share with it (an undercount, small next to the pool's
 * long-lived backends). NaN for Postgres when none was visible.
 */
export function spentBetween(before: CpuReading, after: CpuReading): CpuShares {
  let postgres = after.postgres.size > 0 ? 0 : Number.NaN;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  return {
    gateway: after.gateway - before.gateway,
    subgraphs: after.subgraphs - before.subgraphs,
    postgres,
    generator: after.generator - before.generator,
  };
}

export function addShares(a: CpuShares, b: CpuShares): CpuShares {
  return {
    gateway: a.gateway + b.gateway,
    subgraphs: a.subgraphs + b.subgraphs,
    postgres: a.postgres + b.postgres,
    generator: a.generator + b.generator,
  };
}

export const NO_SHARES: CpuShares = { gateway: 0, subgraphs: 0, postgres: 0, generator: 0 };
