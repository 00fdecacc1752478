/** What a service serves at `/metrics`, Prometheus text, read through the URL of its GraphQL endpoint. */
export async function scrapeMetrics(graphqlUrl: string): Promise<string> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'));
  return response.text();
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The sum of the samples of `name` whose labels include all of `labels`. 0 when there is
 * none: a labelled counter has no sample until it first counts.
 */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const sample = SAMPLE.exec(line);
    if (!sample || sample[1] !== name) continue;
    const found = new Map([...(sample[2] ?? '').matchAll(LABEL)].map(([, label, value]) => [label, value]));
    if (Object.entries(labels).every(([label, value]) => found.get(label) === value)) sum += Number(sample[3]);
  }
  return sum;
}
