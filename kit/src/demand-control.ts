import { Directive } from 'type-graphql';

/**
 * Federation's demand-control directives (`@cost`, `@listSize`, federation v2.9), declared
 * on the subgraphs' fields. Composition keeps them in the supergraph, where Apollo Router's
 * demand control and the gateway's own cost limit (gateway/src/edge/cost.ts) read the same
 * numbers (`PagedList` in pagination.ts sizes connections). A field's cost is its weight (1 for an object, 0 for a scalar, unless `@cost`
 * says otherwise) plus that of its selections, times the list's size for a list.
 */

/** What a list without paging is assumed to hold, where nothing bounds it exactly. */
export const AssumedListSize = {
  /** Lines of one cart or order (and the licenses issued for them). */
  orderLines: 10,
  /** Status changes of one order: the status machine has fewer moves. */
  statusHistory: 10,
  /** Categories at one level of the tree (a fixed tree of 3 × 3, set by migrations). */
  categories: 10,
  /** Currencies a vendor holds money in. */
  currencies: 3,
  /** Payments of one order (at most one succeeds; retries add failed ones). */
  paymentsPerOrder: 3,
} as const;

/** A count over the whole list (`totalCount`): one aggregate query, dearer than reading a row. */
export const COUNT_COST = 5;
/** An aggregate over a vendor's whole ledger (`Vendor.stats`). */
export const AGGREGATE_COST = 10;

/** On a list field without paging: how many items a cost estimate assumes (an exact bound where one exists). */
export const ListSize = (assumedSize: number): MethodDecorator & PropertyDecorator =>
  Directive(`@listSize(assumedSize: ${assumedSize})`);

/** On a field that costs more than reading one object: its weight in the cost estimate. */
export const Cost = (weight: number): MethodDecorator & PropertyDecorator => Directive(`@cost(weight: ${weight})`);
