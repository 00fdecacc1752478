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
} as const;

/** A shared entity's type name. */
export type EntityName = keyof typeof EntityDescriptions;

/** The description of every entity's `id` key. */
export const ENTITY_ID_DESCRIPTION = 'Stable identifier (UUID).';
