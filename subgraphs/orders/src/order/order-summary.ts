import { Events, PayloadOf } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingDetails } from '../tax/billing-details.type';
import { itemsOf } from './order.store';
import type { Order } from './order.type';

type OrderSummary = PayloadOf<typeof Events.OrderCreated>;
type EventMoney = { amount: number; currency: string };

const money = ({ amount, currency }: EventMoney): EventMoney => ({ amount, currency });

/**
 * An order as order.created and order.paid carry it: every line with its money, the sums and
 * who is billed, read from the rows just written, so what the events say is what is stored.
 */
export async function orderSummaryOf(db: DataSource | EntityManager, order: Order): Promise<OrderSummary> {
  const items = (await itemsOf(db, [order.id])).get(order.id) ?? [];
  const summary: OrderSummary = {
    orderId: order.id,
    number: order.number,
    userId: order.userId,
    total: money(order.total),
    subtotal: money(order.subtotal),
    discount: money(order.discount),
    tax: money(order.tax),
    items: items.map((item) => ({
      productId: item.product.id,
      vendorId: item.vendor.id,
      name: item.name,
      unitPrice: money(item.unitPrice),
      discount: money(item.discount),
      vendorDiscount: money(item.vendorDiscount),
      taxRateBps: item.taxRateBps,
      tax: money(item.tax),
      total: money(item.total),
    })),
  };
  if (order.billing) summary.billing = billingPayload(order.billing);
  if (order.taxName) summary.taxName = order.taxName;
  return summary;
}

/** Billing details as events carry them: absent parts left out rather than null. */
function billingPayload(billing: BillingDetails): NonNullable<OrderSummary['billing']> {
  const { name, country, businessName, vatId, address, reverseCharge } = billing;
  return {
    name,
    country,
    reverseCharge,
    ...(businessName ? { businessName } : {}),
    ...(vatId ? { vatId } : {}),
    ...(address
      ? {
          address: {
            line1: address.line1,
            city: address.city,
            ...(address.line2 ? { line2: address.line2 } : {}),
            ...(address.postalCode ? { postalCode: address.postalCode } : {}),
            ...(address.region ? { region: address.region } : {}),
          },
        }
      : {}),
  };
}
