import { ChangeTopics } from '@marketplace/kit';

/**
 * How the gateway serves a subscription field (ARCHITECTURE §5, design b): the field is
 * the live form of a query field that loads the same entity. The subscriber's selection
 * runs as that query through the normal federated path, with the subscriber's own
 * authorization, once at the start and again on every change notification of `topic`.
 */
export interface LiveField {
  /** The query field that loads the same object (same return type, maybe nullable). */
  queryField: string;
  /** Subscription argument → query argument. */
  arguments: Record<string, string>;
  /** The change-feed topic whose notifications mean "run the query again". */
  topic(args: Record<string, unknown>): string;
}

/** Every field of `Subscription` in the supergraph; a test fails when one is missing. */
export const LIVE_FIELDS: Record<string, LiveField> = {
  orderUpdated: {
    queryField: 'order',
    arguments: { orderId: 'id' },
    topic: (args) => ChangeTopics.order(String(args.orderId)),
  },
};
