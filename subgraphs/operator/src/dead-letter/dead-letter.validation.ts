import { InputCheck } from '@marketplace/kit';
import type { DeadLetterFilter } from './dead-letter.inputs';

/** As subgraph names are (Postgres schema names) and the `event.dead_lettered` event allows them. */
const SUBGRAPH_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** As the event catalog's routing keys are (kit/src/events/envelope.ts `defineEvent`). */
const EVENT_TYPE_PATTERN = /^[a-z]+(\.[a-z_]+)+$/;
const EVENT_TYPE_MAX_LENGTH = 200;
export const DISCARD_REASON_MAX_LENGTH = 1_000;

/** What `deadLetters` filters on, checked. */
export interface DeadLetterQuery {
  subgraph: string | null;
  type: string | null;
  from: Date | null;
  to: Date | null;
}

/** The filter's fields, checked together (BAD_USER_INPUT names every problem). */
export function checkDeadLetterFilter(filter: DeadLetterFilter | null | undefined): DeadLetterQuery {
  const check = new InputCheck();
  const subgraph = filter?.subgraph ?? null;
  const type = filter?.type ?? null;
  if (subgraph !== null && !SUBGRAPH_PATTERN.test(subgraph))
    check.add('filter.subgraph', 'must be a subgraph name, e.g. licensing');
  if (type !== null && (type.length > EVENT_TYPE_MAX_LENGTH || !EVENT_TYPE_PATTERN.test(type)))
    check.add('filter.type', 'must be an event type, e.g. order.paid');
  const from = filter?.from ?? null;
  const to = filter?.to ?? null;
  if (from && to && from.getTime() > to.getTime()) check.add('filter.to', 'must not be before filter.from');
  check.done();
  return { subgraph, type, from, to };
}

/** A discard's reason: trimmed, 1 to DISCARD_REASON_MAX_LENGTH characters, lines allowed. */
export function checkDiscardReason(raw: string): string {
  const check = new InputCheck();
  const reason = check.multiLineText('input.reason', raw, DISCARD_REASON_MAX_LENGTH, { required: true });
  check.done();
  return reason;
}
