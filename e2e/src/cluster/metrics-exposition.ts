/**
 * What a set of services export, read from their `/metrics` (Prometheus text format 0.0.4):
 * every series name (a histogram's `_bucket`, `_sum` and `_count`) with the labels and
 * label values its samples carry, and which services export it.
 */
export class ExportedMetrics {
  private readonly series = new Map<string, { services: Set<string>; labels: Map<string, Set<string>> }>();

  /** Adds one service's scrape. */
  add(service: string, exposition: string): void {
    for (const line of exposition.split('\n')) {
      const declared = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/.exec(line);
      if (declared) {
        for (const name of seriesOf(declared[1], declared[2])) this.entry(name).services.add(service);
        continue;
      }
      if (line.startsWith('#') || line.trim() === '') continue;
      const sample = parseSample(line);
      const entry = this.entry(sample.name);
      entry.services.add(service);
      for (const [label, value] of Object.entries(sample.labels)) {
        const values = entry.labels.get(label) ?? new Set<string>();
        values.add(value);
        entry.labels.set(label, values);
      }
    }
  }

  has(name: string): boolean {
    return this.series.has(name);
  }

  servicesOf(name: string): string[] {
    return [...(this.series.get(name)?.services ?? [])].sort();
  }

  /** The values samples of `name` carry for `label` (none when no sample has it). */
  labelValues(name: string, label: string): Set<string> {
    return this.series.get(name)?.labels.get(label) ?? new Set();
  }

  /** A copy without `name` and its histogram series: what the services would export if it disappeared. */
  without(family: string): ExportedMetrics {
    const copy = new ExportedMetrics();
    for (const [name, entry] of this.series)
      if (name !== family && !['_bucket', '_sum', '_count'].some((suffix) => name === `${family}${suffix}`))
        copy.series.set(name, entry);
    return copy;
  }

  private entry(name: string) {
    let entry = this.series.get(name);
    if (!entry) this.series.set(name, (entry = { services: new Set(), labels: new Map() }));
    return entry;
  }
}

/** The series names a family declared by `# TYPE` is exposed as. */
function seriesOf(family: string, type: string): string[] {
  if (type === 'histogram') return [`${family}_bucket`, `${family}_sum`, `${family}_count`];
  if (type === 'summary') return [family, `${family}_sum`, `${family}_count`];
  return [family];
}

/** `name{label="value",…} value [timestamp]`, label values with the format's escapes (\\, \", \n). */
export function parseSample(line: string): { name: string; labels: Record<string, string> } {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (!name) throw new Error(`not a sample line: ${line}`);
  const labels: Record<string, string> = {};
  let at = name.length;
  if (line[at] === '{') {
    at += 1;
    while (line[at] !== '}') {
      const label = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at));
      if (!label) throw new Error(`bad label at ${at}: ${line}`);
      at += label[0].length;
      let value = '';
      while (line[at] !== '"') {
        if (at >= line.length) throw new Error(`unterminated label value: ${line}`);
        if (line[at] === '\\') {
          at += 1;
          value += line[at] === 'n' ? '\n' : line[at];
        } else value += line[at];
        at += 1;
      }
      labels[label[1]] = value;
      at += 1;
      if (line[at] === ',') at += 1;
    }
    at += 1;
  }
  if (!/^ \S+( \S+)?$/.test(line.slice(at))) throw new Error(`bad sample value: ${line}`);
  return { name, labels };
}
