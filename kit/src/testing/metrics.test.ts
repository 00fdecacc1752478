import { metricSum } from './metrics';

const TEXT = `# HELP graphql_operations_total GraphQL operations
# TYPE graphql_operations_total counter
graphql_operations_total{operation="Card",type="query",outcome="ok",service="gateway"} 3
graphql_operations_total{operation="Card",type="query",outcome="error",service="gateway"} 1
graphql_operations_total{operation="Other",type="query",outcome="ok",service="gateway"} 5
http_request_duration_seconds_bucket{le="0.005",route="/graphql",service="gateway"} 7
http_request_duration_seconds_count{route="/graphql",service="gateway"} 9
gateway_cache_entries 2
`;

describe('metricSum', () => {
  it('sums the samples of one name whose labels include the ones asked for', () => {
    expect(metricSum(TEXT, 'graphql_operations_total')).toBe(9);
    expect(metricSum(TEXT, 'graphql_operations_total', { operation: 'Card' })).toBe(4);
    expect(metricSum(TEXT, 'graphql_operations_total', { operation: 'Card', outcome: 'ok' })).toBe(3);
    expect(metricSum(TEXT, 'http_request_duration_seconds_count', { route: '/graphql' })).toBe(9);
    expect(metricSum(TEXT, 'gateway_cache_entries')).toBe(2);
  });

  it('reads 0 for a name or label value with no sample, and never matches a name by its prefix', () => {
    expect(metricSum(TEXT, 'graphql_operations_total', { outcome: 'skipped' })).toBe(0);
    expect(metricSum(TEXT, 'graphql_operations')).toBe(0);
    expect(metricSum(TEXT, 'http_request_duration_seconds')).toBe(0);
  });
});
