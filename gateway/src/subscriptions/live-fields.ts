import { ChangeTopics, rawIdOf } from '@marketplace/kit';

/** Who subscribes: the signed-in user of the socket (through one of their API keys, with its scopes), or nobody. */
export interface LiveViewer {
  id: string;
  apiKey?: { scopes: string[] };
}

/**
 * How the gateway serves a subscription field (ARCHITECTURE §5, design b): the field is
 * the live form of a query field that loads the same entity. The subscriber's selection
 * runs as that query through the normal federated path, with the subscriber's own
 * authorization, once at the start and again on every change notification of `topic`.
 */
export interface LiveField {
  /** The query field that loads the same object (same return type, maybe nullable). */
  queryField: string;
  /**
   * When set, the object is this field of what `queryField` answers rather than `queryField`
   * itself: `me { newestNotification }`, so that the viewer's data keeps its one root path
   * (docs/api-conventions.md §7). The payload is unwrapped from it before each push.
   */
  nestedField?: string;
  /** Subscription argument → query argument (of the nested field when there is one). */
  arguments: Record<string, string>;
  /**
   * The change-feed topic whose notifications mean "run the query again". Subgraphs announce
   * changes by uuid; a subscriber names its subject by the id the API answered, a global id
   * (`Order:<uuid>`) when global ids are on: `rawIdOf` reads both. (A malformed id makes the
   * first run fail with BAD_USER_INPUT, so its topic is never followed.) A topic that depends
   * on who subscribes (the viewer's own notifications) reads `viewer`; null when there is no
   * topic for this subscriber (signed out): UNAUTHENTICATED at subscribe.
   */
  topic(args: Record<string, unknown>, viewer: LiveViewer | null): string | null;
  /**
   * Whether the first run is pushed: `orderUpdated` pushes the order as it is now;
   * `notificationAdded` pushes only what is added after subscribing (its first run only sets
   * what counts as already seen).
   */
  pushesCurrent: boolean;
  /**
   * When set, every notice of `topic` names a new object (its uuid is the message): the query
   * runs once per notice, with the object's global id (of `typename`) as the argument `name`
   * of the (nested) field, so that notices arriving together are each pushed instead of
   * collapsing into one. Such a field has no first run.
   */
  notice?: { argument: string; typename: string };
  /**
   * The scope an API key needs to subscribe, as `@apiKeyScope` marks a root field in a
   * subgraph (composition drops that directive, so the gateway keeps it here). Without one,
   * keys are refused this field: FORBIDDEN, `reason: API_KEY_NOT_ALLOWED`. Its live query's
   * fields are then checked by the subgraphs as for any request with the key.
   */
  apiKeyScope?: string;
}

/** Every field of `Subscription` in the supergraph; a test fails when one is missing. */
export const LIVE_FIELDS: Record<string, LiveField> = {
  orderUpdated: {
    queryField: 'order',
    arguments: { orderId: 'id' },
    topic: (args) => ChangeTopics.order(rawIdOf(String(args.orderId))),
    pushesCurrent: true,
  },
  notificationAdded: {
    queryField: 'me',
    nestedField: 'notification',
    arguments: {},
    topic: (_args, viewer) => (viewer ? ChangeTopics.notifications(viewer.id) : null),
    pushesCurrent: false,
    notice: { argument: 'notificationId', typename: 'Notification' },
  },
};
