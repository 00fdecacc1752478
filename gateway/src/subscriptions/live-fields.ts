import { ChangeTopics, rawIdOf } from '@marketplace/kit';

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
  /**
   * The change-feed topic whose notifications mean "run the query again". Subgraphs announce
   * changes by uuid; a subscriber names its subject by the id the API answered, a global id
   * (`Order:<uuid>`) when global ids are on: `rawIdOf` reads both. (A malformed id makes the
   * first run fail with BAD_USER_INPUT, so its topic is never followed.)
   */
  topic(args: Record<string, unknown>): string;
}

/** Every field of `Subscription` in the supergraph; a test fails when one is missing. */
export const LIVE_FIELDS: Record<string, LiveField> = {
  orderUpdated: {
    queryField: 'order',
    arguments: { orderId: 'id' },
    topic: (args) => ChangeTopics.order(rawIdOf(String(args.orderId))),
  },
};
