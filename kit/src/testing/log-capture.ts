import type { DestinationStream } from 'pino';

/** One JSON log line as the kit's logger writes it: a level label, the message, a serialized error, any other fields. */
export interface LogRecord {
  level: string;
  msg?: string;
  err?: { type: string; message: string; stack: string };
  [field: string]: unknown;
}

/** Collects a service's JSON log lines so tests can assert what is (and is not) logged. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  records(): LogRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LogRecord);
  }

  text(): string {
    return this.lines.join('');
  }
}
