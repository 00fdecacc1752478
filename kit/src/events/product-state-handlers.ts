import { Events, ProductState } from '../contracts/event-catalog';
import { EventHandler, eventHandler } from './consumer';

/**
 * product.published and product.updated carry the same state, and a replica applies them
 * alike: one `handle` for both, as handlers named `<name>-published` and `<name>-updated`.
 */
export function productStateHandlers(
  name: string,
  handle: EventHandler<ProductState>['handle'],
): EventHandler<ProductState>[] {
  return [
    eventHandler(`${name}-published`, Events.ProductPublished, handle),
    eventHandler(`${name}-updated`, Events.ProductUpdated, handle),
  ];
}
