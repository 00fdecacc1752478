/**
 * The descriptions of the entities several subgraphs share, as the supergraph shows them.
 * The owner's full type and every other subgraph's stub use these, so composition has
 * nothing to reconcile and the text lives once.
 */
export const EntityDescriptions = {
  User: 'A person with an account on the marketplace.',
  Vendor: 'A seller on the marketplace: the storefront profile of one user.',
  Product: 'Something vendors sell: an AI agent, a workflow or a tool.',
  Order: 'An order: the products of a cart at the prices of checkout, paid once and fulfilled with licenses.',
  Payment: 'The payment of one order, through a payment provider.',
  License:
    'The right to use one product, issued for one paid order line: a signed key, activations on machines and downloads.',
  Category: "A place in the catalog's tree of categories, e.g. Agents › Customer support.",
  Review:
    'A verified review: written by a customer holding a license for the product, at most one per customer and product.',
  Payout:
    "Money a vendor asked to be paid out of its available balance. Visible to the vendor's owner and admins only.",
  AuditRecord:
    'One entry of the append-only audit trail: who did what to which object, what it was before and after, from which request. Admins only; nobody can change or delete one.',
  Notification:
    'Something that happened and concerns one user (a receipt, a sale, a dispute…), shown in their in-app inbox. Visible to that user only.',
  ModerationQueue:
    'What waits for an admin, oldest first: products in review (the catalog) and vendor applications (the vendor subgraph). Admins only.',
} as const;

/** The one moderation queue's id: `moderationQueue` answers it, and each subgraph adds its list to it. */
export const MODERATION_QUEUE_ID = '00000000-0000-4000-8000-00000000a001';

/** A shared entity's type name. */
export type EntityName = keyof typeof EntityDescriptions;

/** The description of every entity's `id` key. */
export const ENTITY_ID_DESCRIPTION = 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.';

/**
 * Each entity's cache hint as its owner declares it (docs/api-conventions.md §8), repeated on
 * its stubs in every other subgraph (`entityStub` reads it), so the gateway's answer policy
 * for an entity is the same whichever subgraph returned it. `public`: the type reads the same
 * for every viewer (`@cacheControl(maxAge: PUBLIC_DATA_MAX_AGE_SECONDS)`, viewer-dependent
 * fields marked on their own); `private`: no hint, so no answer holding one is shared.
 * Owners apply the same entry with `EntityCacheHint(name)`.
 */
export const ENTITY_CACHE_HINTS: Readonly<Record<EntityName, 'public' | 'private'>> = {
  User: 'public',
  Vendor: 'public',
  Product: 'public',
  Order: 'private',
  Payment: 'private',
  License: 'private',
  Category: 'public',
  Review: 'private',
  Payout: 'private',
  AuditRecord: 'private',
  Notification: 'private',
  ModerationQueue: 'private',
};

/**
 * The types `node(id:)` and `nodes(ids:)` refetch (`interface Node`), in one place: adding
 * one (an entity with a description above) is one line.
 */
export const NODE_TYPES: readonly EntityName[] = [
  'User',
  'Vendor',
  'Product',
  'Order',
  'Payment',
  'License',
  'Category',
  'Review',
  'Payout',
  'AuditRecord',
  'Notification',
];
