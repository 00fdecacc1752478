/** What a started tracing setup must do before the process exits. */
export interface Tracing {
  /** False when spans only carry ids (no exporter was asked for). */
  exporting: boolean;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/** Kept apart from the setup so the shutdown path can flush without loading any instrumentation. */
export function tracingStarted(tracing: Tracing | undefined): void {
  started = tracing;
}

/** Exports what is still buffered; `runUntilSignal` awaits it once the service has closed. */
export async function flushTracing(): Promise<void> {
  await started?.shutdown().catch(() => undefined);
}
