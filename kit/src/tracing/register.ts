import { tracingStarted } from './lifecycle';
import { startTracing } from './setup';

/*
 * Loaded first by every program (`import '@marketplace/kit/tracing'` at the top of each
 * main.ts): the instrumentations patch http, pg and graphql as they are required, so this
 * must run before anything requires them. A setting it cannot honour stops the program
 * with one line naming the variable, as every other setting does.
 */
try {
  tracingStarted(startTracing());
} catch (error) {
  process.stderr.write(`tracing: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
