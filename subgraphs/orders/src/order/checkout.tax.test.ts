import { queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, outboxOf, uuidOf } from '@marketplace/kit/testing';
import { ADD, admin, customer, newKey, published, startOrders, userOf } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders({ SELLER_COUNTRY: 'IE' });
});
afterAll(() => orders.close());

const ORDER_MONEY = `id subtotal { amount currency } discount { amount } tax { amount } total { amount currency }
  taxes { rateBps name taxable { amount } tax { amount } }
  billing { name country businessName vatId address { line1 line2 city postalCode region } reverseCharge }
  items { unitPrice { amount } discount { amount } taxRateBps tax { amount } total { amount } }`;
const CHECKOUT = `mutation($key: String!, $billing: BillingDetailsInput!) {
  checkout(input: { idempotencyKey: $key, billing: $billing }) { order { ${ORDER_MONEY} } } }`;

interface OrderMoney {
  id: string;
  total: { amount: number; currency: string };
  [field: string]: unknown;
}

interface Billing {
  name: string;
  country: string;
  businessName?: string;
  vatId?: string;
  address?: Record<string, string>;
}

/** A fresh customer buys products priced `prices` (EUR) with `billing`. */
async function buy(billing: Billing, prices: number[], key = newKey(), token = customer()) {
  for (const amount of prices) {
    const product = await published(orders, { price: { amount, currency: 'EUR' } });
    await orders.client.data(ADD, { variables: { productId: globalId('Product', product.productId) }, token });
  }
  return {
    token,
    result: await orders.client.request<{ checkout: { order: OrderMoney } }>(CHECKOUT, {
      variables: { key, billing },
      token,
    }),
  };
}

async function boughtOk(billing: Billing, prices: number[]) {
  const { result } = await buy(billing, prices);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.checkout.order;
}

describe('checkout taxes each line at the rate of the billing country', () => {
  it("charges an EU consumer their country's rate, per line, rounded half up", async () => {
    const order = await boughtOk({ name: 'Anna Schmidt', country: 'de' }, [1999, 500]);
    // 1999 × 19 % = 379.81 → 380; 500 × 19 % = 95.
    expect(order).toMatchObject({
      subtotal: { amount: 2499, currency: 'EUR' },
      discount: { amount: 0 },
      tax: { amount: 475 },
      total: { amount: 2974, currency: 'EUR' },
      taxes: [{ rateBps: 1900, name: 'VAT', taxable: { amount: 2499 }, tax: { amount: 475 } }],
      billing: {
        name: 'Anna Schmidt',
        country: 'DE',
        businessName: null,
        vatId: null,
        address: null,
        reverseCharge: false,
      },
      items: [
        {
          unitPrice: { amount: 1999 },
          discount: { amount: 0 },
          taxRateBps: 1900,
          tax: { amount: 380 },
          total: { amount: 2379 },
        },
        {
          unitPrice: { amount: 500 },
          discount: { amount: 0 },
          taxRateBps: 1900,
          tax: { amount: 95 },
          total: { amount: 595 },
        },
      ],
    });
    // The payment is asked for the total: order.created carries it with every line's money.
    const [created] = await outboxOf(orders, uuidOf(order.id));
    expect(created.payload).toMatchObject({
      total: { amount: 2974, currency: 'EUR' },
      subtotal: { amount: 2499 },
      tax: { amount: 475 },
      billing: { name: 'Anna Schmidt', country: 'DE', reverseCharge: false },
      taxName: 'VAT',
      items: [
        { taxRateBps: 1900, tax: { amount: 380 }, total: { amount: 2379 } },
        { taxRateBps: 1900, tax: { amount: 95 }, total: { amount: 595 } },
      ],
    });
  });

  it('reverse charges a business in another member state with a well-formed VAT id: no tax, the note on the order', async () => {
    const billing = {
      name: 'Jean Dupont',
      country: 'FR',
      businessName: 'Acme SAS',
      vatId: 'FR 40 303 265 045',
      address: { line1: '1 rue de Rivoli', city: 'Paris', postalCode: '75001' },
    };
    const order = await boughtOk(billing, [1000]);
    expect(order).toMatchObject({
      tax: { amount: 0 },
      total: { amount: 1000 },
      taxes: [],
      billing: {
        businessName: 'Acme SAS',
        vatId: 'FR40303265045',
        address: { line1: '1 rue de Rivoli', line2: null, city: 'Paris', postalCode: '75001', region: null },
        reverseCharge: true,
      },
      items: [{ taxRateBps: 0, tax: { amount: 0 }, total: { amount: 1000 } }],
    });
  });

  it("charges a business in the seller's own member state the domestic rate", async () => {
    const order = await boughtOk(
      { name: 'Liam Byrne', country: 'IE', businessName: 'Byrne Ltd', vatId: 'IE6388047V' },
      [1000],
    );
    expect(order).toMatchObject({ tax: { amount: 230 }, total: { amount: 1230 }, billing: { reverseCharge: false } });
  });

  it('charges no tax in a country without a rate', async () => {
    const order = await boughtOk({ name: 'Sam Lee', country: 'US' }, [1000]);
    expect(order).toMatchObject({ tax: { amount: 0 }, total: { amount: 1000 }, taxes: [] });
  });

  it('keeps the rate an order was placed at when the admin changes it afterwards', async () => {
    const order = await boughtOk({ name: 'Nora', country: 'NO' }, [1000]);
    expect(order.total.amount).toBe(1000);
    await orders.client.data(
      `mutation { setTaxRate(input: { country: "NO", rateBps: 2500, name: "MVA" }) { taxRate { country } } }`,
      { token: admin() },
    );
    const later = await boughtOk({ name: 'Nora', country: 'NO' }, [1000]);
    expect(later).toMatchObject({ total: { amount: 1250 }, taxes: [{ rateBps: 2500, name: 'MVA' }] });
    // Invoices name the tax as the order was charged (order.created and order.paid carry it).
    const [created] = await outboxOf(orders, uuidOf(later.id));
    expect(created.payload).toMatchObject({ taxName: 'MVA' });
    const [row] = await queryRows<{ total: number }>(
      orders.subgraph.deps.db,
      `SELECT total_amount AS total FROM orders WHERE id = $1`,
      [uuidOf(order.id)],
    );
    expect(row.total).toBe(1000);
  });
});

describe('checkout refuses bad billing details before touching the cart', () => {
  it.each([
    [{ name: 'Ada', country: 'XX' }, 'input.billing.country'],
    [{ name: 'Ada', country: 'DE', vatId: 'DE12345' }, 'input.billing.vatId'],
    [{ name: 'Ada', country: 'DE', vatId: 'FR40303265045' }, 'input.billing.vatId'],
    [{ name: ' ', country: 'DE' }, 'input.billing.name'],
  ])('%j → BAD_USER_INPUT on %s, no order, the cart kept', async (billing, field) => {
    const { token, result } = await buy(billing, [1000]);
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field })],
    });
    expect(result.data?.checkout ?? null).toBeNull();
    const [{ items }] = await queryRows<{ items: number }>(
      orders.subgraph.deps.db,
      `SELECT count(*)::int AS items FROM cart_items i JOIN carts c ON c.id = i.cart_id WHERE c.user_id = $1`,
      [userOf(token)],
    );
    expect(items).toBe(1);
  });

  it('answers a retry with the same key and billing with the same order, and other billing with CONFLICT', async () => {
    const key = newKey();
    const billing = { name: 'Ada', country: 'DE' };
    const first = await buy(billing, [1000], key);
    const again = await orders.client.request<{ checkout: { order: { id: string } } }>(CHECKOUT, {
      variables: { key, billing: { name: ' Ada ', country: 'de' } },
      token: first.token,
    });
    expect(again.data!.checkout.order.id).toBe(first.result.data!.checkout.order.id);
    const other = await orders.client.request(CHECKOUT, {
      variables: { key, billing: { name: 'Ada', country: 'FR' } },
      token: first.token,
    });
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
