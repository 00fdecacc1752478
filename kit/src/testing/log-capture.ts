import type { DestinationStream } from 'pino';

/** Collects a service's JSON log lines so tests can assert what is (and is not) logged. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  records(): Record<string, any>[] {
    return this.lines.map((line) => JSON.parse(line));
  }

  text(): string {
    return this.lines.join('');
  }
}
