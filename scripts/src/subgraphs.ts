import type { SubgraphModule } from '@marketplace/kit';
import { billingSubgraph } from '@marketplace/billing';
import { catalogSubgraph } from '@marketplace/catalog';
import { licensingSubgraph } from '@marketplace/licensing';
import { notificationsSubgraph } from '@marketplace/notifications';
import { operatorSubgraph } from '@marketplace/operator';
import { ordersSubgraph } from '@marketplace/orders';
import { paymentsSubgraph } from '@marketplace/payments';
import { usersSubgraph } from '@marketplace/users';
import { vendorSubgraph } from '@marketplace/vendor';

/** Every subgraph of the supergraph, in start order. Adding a subgraph starts here. */
export const subgraphs: SubgraphModule[] = [
  usersSubgraph,
  vendorSubgraph,
  catalogSubgraph,
  ordersSubgraph,
  paymentsSubgraph,
  licensingSubgraph,
  operatorSubgraph,
  notificationsSubgraph,
  billingSubgraph,
];
