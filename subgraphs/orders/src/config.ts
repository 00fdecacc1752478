/** The orders subgraph has no settings of its own yet; the kit reads the common ones. */
export type OrdersConfig = Record<string, never>;
