/** The variable @apollo/gateway reads, in `process.env` and only there, to decide whether it reports to Apollo. */
export const APOLLO_TELEMETRY_VARIABLE = 'APOLLO_TELEMETRY_DISABLED';

/**
 * Runs `construct` (the `new ApolloGateway(…)`) with Apollo's usage reporting switched as
 * the gateway's config says, whatever environment the gateway itself was started with.
 *
 * Left alone, @apollo/gateway reports usage to Apollo (hourly, and once more at shutdown)
 * and, to label the report, probes five cloud metadata endpoints (AWS, Azure, GCP, Alibaba)
 * the moment it is constructed. A marketplace gateway sends nothing anywhere its operator
 * did not ask for, so reporting is off unless `APOLLO_TELEMETRY_DISABLED=false`. The package
 * only honours exactly `true` or `1`, so the variable is spelled out here, and put back
 * afterwards, since the package reads it only in its constructor.
 */
export function constructedWithApolloTelemetry<T>(enabled: boolean, construct: () => T): T {
  const before = process.env[APOLLO_TELEMETRY_VARIABLE];
  process.env[APOLLO_TELEMETRY_VARIABLE] = enabled ? 'false' : 'true';
  try {
    return construct();
  } finally {
    if (before === undefined) delete process.env[APOLLO_TELEMETRY_VARIABLE];
    else process.env[APOLLO_TELEMETRY_VARIABLE] = before;
  }
}
