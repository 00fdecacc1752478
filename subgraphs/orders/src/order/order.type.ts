import { AssumedListSize, Connection, EntityDescriptions, ListSize, Money } from '@marketplace/kit';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Product, User, Vendor } from '../entity-stubs';
import { BillingDetails } from '../tax/billing-details.type';

/** Where an order is in the checkout saga (ARCHITECTURE §4). */
export enum OrderStatus {
  PENDING_PAYMENT = 'PENDING_PAYMENT',
  PAID = 'PAID',
  FULFILLED = 'FULFILLED',
  CANCELLED = 'CANCELLED',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  REFUNDED = 'REFUNDED',
}

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description:
    'Where an order is: awaiting payment, paid, fulfilled with licenses, cancelled, failed to pay, or refunded.',
  valuesConfig: {
    PENDING_PAYMENT: { description: 'Created at checkout; waiting for the payment.' },
    PAID: { description: 'The payment succeeded; licenses are being issued.' },
    FULFILLED: { description: 'Every line has its license.' },
    CANCELLED: { description: 'Cancelled before it was paid, by the customer or because payment took too long.' },
    PAYMENT_FAILED: { description: 'The last payment attempt failed; the customer may try again.' },
    REFUNDED: { description: 'The payment was given back.' },
  },
});

/** What made an order change status; stored as is in `order_status_history.reason`. */
export enum OrderStatusChangeReason {
  CHECKOUT = 'CHECKOUT',
  PAYMENT_SUCCEEDED = 'PAYMENT_SUCCEEDED',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  PAYMENT_REFUNDED = 'PAYMENT_REFUNDED',
  LICENSES_ISSUED = 'LICENSES_ISSUED',
  CANCELLED_BY_CUSTOMER = 'CANCELLED_BY_CUSTOMER',
  CANCELLED_BY_ADMIN = 'CANCELLED_BY_ADMIN',
  PAYMENT_TIMEOUT = 'PAYMENT_TIMEOUT',
}

registerEnumType(OrderStatusChangeReason, {
  name: 'OrderStatusChangeReason',
  description: 'What made an order change status.',
  valuesConfig: {
    CHECKOUT: { description: 'The customer checked out their cart: the order was created.' },
    PAYMENT_SUCCEEDED: { description: 'The payment succeeded.' },
    PAYMENT_FAILED: { description: 'A payment attempt failed.' },
    PAYMENT_REFUNDED: { description: 'The payment was refunded.' },
    LICENSES_ISSUED: { description: 'The last line of the order got its license.' },
    CANCELLED_BY_CUSTOMER: { description: 'The customer cancelled the unpaid order.' },
    CANCELLED_BY_ADMIN: { description: "An admin cancelled the customer's unpaid order." },
    PAYMENT_TIMEOUT: { description: 'The order was cancelled because it stayed unpaid too long.' },
  },
});

@ObjectType({ description: 'One product of an order, at the name and price it had at checkout.' })
export class OrderItem {
  @Field(() => Product, { description: 'The product bought.' })
  product: Product;

  @Field(() => Vendor, { description: 'The vendor who sold it.' })
  vendor: Vendor;

  @Field({ description: "The product's name at checkout." })
  name: string;

  @Field(() => Money, { description: 'The list price of one, as it was at checkout (before discounts and tax).' })
  unitPrice: Money;

  @Field(() => Int, { description: 'How many: always 1 (digital goods).' })
  quantity: number;

  @Field(() => Money, { description: "What the order's coupons took off the line (0 when none)." })
  discount: Money;

  @Field(() => Int, {
    description:
      'The tax rate charged on the discounted price, in basis points (2000 is 20 %); 0 under reverse charge.',
  })
  taxRateBps: number;

  @Field(() => Money, { description: 'The tax charged on the line, rounded half up to the minor unit.' })
  tax: Money;

  @Field(() => Money, { description: 'What the buyer paid for the line: `unitPrice - discount + tax`.' })
  total: Money;

  @Field(() => Date, {
    nullable: true,
    description: 'When the line was refunded (in full); null while it is paid or unpaid.',
  })
  refundedAt: Date | null;

  /** Internal: the part of `discount` the vendor funds (order.paid carries it to the vendor's ledger). */
  vendorDiscount: Money;

  /** Internal: the order the line belongs to (loaders of line details key on it). */
  orderId: string;

  /** Internal: set once licensing issued the line's license. */
  licenseId: string | null;
}

@ObjectType({ description: "An order's tax at one rate: what was taxed and how much." })
export class OrderTax {
  @Field(() => Int, { description: 'The rate in basis points (2000 is 20 %).' })
  rateBps: number;

  @Field({ description: 'What the tax is called (VAT, GST…).' })
  name: string;

  @Field(() => Money, { description: "The lines' discounted prices taxed at this rate." })
  taxable: Money;

  @Field(() => Money, { description: "The tax at this rate: the sum of the lines' tax." })
  tax: Money;
}

@ObjectType({ description: "One step in an order's life: the status it left, the one it entered, and why." })
export class OrderStatusChange {
  @Field(() => OrderStatus, { nullable: true, description: "The status before; null for the order's creation." })
  from: OrderStatus | null;

  @Field(() => OrderStatus, { description: 'The status after.' })
  to: OrderStatus;

  @Field(() => OrderStatusChangeReason, { description: 'What made the status change.' })
  reason: OrderStatusChangeReason;

  @Field({ description: 'When it happened.' })
  at: Date;
}

@ObjectType({ description: EntityDescriptions.Order })
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field({ description: 'Human-friendly order number shown on receipts, e.g. MP-000123.' })
  number: string;

  /** The owner's id; `owner` resolves to it. */
  userId: string;

  // owner, items and statusHistory are resolved by OrderResolver (loaders); declared here for their place in the schema.
  @Field(() => User, { description: 'The customer who placed the order.' })
  owner: User;

  @ListSize(AssumedListSize.orderLines)
  @Field(() => [OrderItem], { description: 'The products bought, in the order they were put in the cart.' })
  items: OrderItem[];

  @Field(() => OrderStatus, { description: 'Where the order is in its life.' })
  status: OrderStatus;

  @Field(() => Money, { description: "Sum of the lines' list prices." })
  subtotal: Money;

  @Field(() => Money, { description: "Sum of the lines' discounts (coupons)." })
  discount: Money;

  @Field(() => Money, { description: "Sum of the lines' tax." })
  tax: Money;

  @Field(() => [OrderTax], {
    description:
      'The tax per rate, highest rate first; empty when nothing was taxed (no rate for the country, or reverse charge).',
  })
  taxes: OrderTax[];

  @Field(() => Money, {
    description: 'What the customer pays, and what the payment is for: `subtotal - discount + tax`.',
  })
  total: Money;

  @Field(() => Money, { description: 'What was refunded so far: the totals of the refunded lines.' })
  refunded: Money;

  @Field(() => BillingDetails, {
    nullable: true,
    description:
      'Who the order is billed to, as given at checkout; null for orders placed before billing details existed.',
  })
  billing: BillingDetails | null;

  /** Internal: the name of the tax charged (OrderTax.name). */
  taxName: string | null;

  @ListSize(AssumedListSize.statusHistory)
  @Field(() => [OrderStatusChange], {
    description: 'Every status the order went through, oldest first, starting with its creation.',
  })
  statusHistory: OrderStatusChange[];

  @Field({ description: 'When the order was placed (checkout).' })
  createdAt: Date;

  @Field({ description: 'When the order last changed.' })
  updatedAt: Date;
}

export const OrderConnection = Connection(Order, 'Order');
