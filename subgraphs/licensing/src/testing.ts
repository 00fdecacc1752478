import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import {
  Person,
  TestSubgraph,
  deliverEvent,
  globalId,
  person,
  startTestSubgraph,
  uuidOf,
} from '@marketplace/kit/testing';
import { readLicensingConfig } from './config';
import { licensingSubgraph } from './index';

export function startLicensing(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(licensingSubgraph, env);
}

export type OrderPaid = PayloadOf<typeof Events.OrderPaid>;

/** An order of `owner` for `lines` products (new ones unless given), as orders announces it when paid. */
export function orderPaid(owner: Person, productIds: string[] = [randomUUID()]): OrderPaid {
  const orderId = randomUUID();
  return {
    orderId,
    number: `MP-${orderId.slice(0, 6)}`,
    userId: owner.id,
    paymentId: randomUUID(),
    total: { amount: 1500 * productIds.length, currency: 'USD' },
    items: productIds.map((productId, index) => ({
      productId,
      vendorId: randomUUID(),
      name: `Product ${index + 1}`,
      unitPrice: { amount: 1500, currency: 'USD' },
    })),
  };
}

export const LICENSE_FIELDS =
  'id key status maxActivations issuedAt expiresAt product { id } order { id } owner { id } activations { fingerprint label createdAt }';

export interface LicenseView {
  id: string;
  key: string | null;
  status: 'ACTIVE' | 'REVOKED' | 'EXPIRED';
  maxActivations: number;
  issuedAt: string;
  expiresAt: string | null;
  product: { id: string };
  order: { id: string };
  owner: { id: string };
  activations: ActivationView[];
}

const ORDER_LICENSES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id licenses { ${LICENSE_FIELDS} } } } }`;

/** The `_entities` representation of the order whose uuid (as events carry it) is `orderId`. */
export const orderRep = (orderId: string) => ({ __typename: 'Order', id: globalId('Order', orderId) });

/** The order's licenses as `viewer` sees them through `Order.licenses`; `orderId` is the order's uuid (events). */
export async function licensesOf(
  licensing: TestSubgraph,
  orderId: string,
  token: string | undefined,
): Promise<LicenseView[]> {
  const data = await licensing.client.data<{ _entities: { licenses: LicenseView[] }[] }>(ORDER_LICENSES, {
    variables: { reps: [orderRep(orderId)] },
    token,
  });
  return data._entities[0].licenses;
}

/** `Order.licenses` of one order as `token`'s caller gets it: the list, or null and the refusal's error code. */
export async function orderLicensesAnswer(licensing: TestSubgraph, orderId: string, token: string | undefined) {
  const result = await licensing.client.request<{ _entities: { licenses: LicenseView[] | null }[] }>(ORDER_LICENSES, {
    variables: { reps: [orderRep(orderId)] },
    token,
  });
  return { licenses: result.data?._entities[0].licenses ?? null, code: result.errors?.[0]?.extensions?.code };
}

/** A paid order of a new customer, delivered; returns the customer, the order and its licenses (owner's view, with keys). */
export async function licensed(licensing: TestSubgraph, productIds?: string[], owner: Person = person()) {
  const order = orderPaid(owner, productIds);
  await deliverEvent(licensing, Events.OrderPaid, order);
  const licenses = await licensesOf(licensing, order.orderId, owner.token);
  return { owner, order, licenses, license: licenses[0], key: licenses[0]?.key as string };
}

export const VALIDATE = `query($licenseKey: String!, $fingerprint: String!) { validateLicense(licenseKey: $licenseKey, fingerprint: $fingerprint) { valid code license { id status } } }`;
export const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { ${LICENSE_FIELDS} } activation { fingerprint label createdAt } } }`;
export const DEACTIVATE = `mutation($input: DeactivateLicenseInput!) { deactivateLicense(input: $input) { license { ${LICENSE_FIELDS} } } }`;

export interface ValidationView {
  valid: boolean;
  code: string;
  license: { id: string; status: string } | null;
}

export async function validate(
  licensing: TestSubgraph,
  licenseKey: string,
  fingerprint: string,
  options: { token?: string; ip?: string } = {},
): Promise<ValidationView> {
  const data = await licensing.client.data<{ validateLicense: ValidationView }>(VALIDATE, {
    variables: { licenseKey, fingerprint },
    token: options.token,
    // Each test its own client IP, so the per-IP limit of one test never trips another.
    headers: { 'x-client-ip': options.ip ?? `test-${randomUUID()}` },
  });
  return data.validateLicense;
}

export interface ActivationView {
  fingerprint: string;
  label: string | null;
  createdAt: string;
}

export const activate = (
  licensing: TestSubgraph,
  licenseKey: string,
  fingerprint: string,
  token: string | undefined,
  label?: string,
) =>
  licensing.client.request<{ activateLicense: { license: LicenseView; activation: ActivationView } }>(ACTIVATE, {
    variables: { input: { licenseKey, fingerprint, label } },
    token,
  });

export const deactivate = (licensing: TestSubgraph, licenseKey: string, fingerprint: string, token?: string) =>
  licensing.client.request<{ deactivateLicense: { license: LicenseView } }>(DEACTIVATE, {
    variables: { input: { licenseKey, fingerprint } },
    token,
  });

/** The signing key the subgraph uses (the generated development one unless configured). */
export const signingKeyOf = (licensing: TestSubgraph) => readLicensingConfig(licensing.subgraph.deps.env).signingKey;

export const baseUrl = (licensing: TestSubgraph) => licensing.subgraph.url.replace(/\/graphql$/, '');

/** The downloads counted for a license, by its `id` as the API answers it (`License:<uuid>`). */
export async function downloadsOf(licensing: TestSubgraph, licenseId: string) {
  return queryRows<{ bytes: number; range: string | null; version: string }>(
    licensing.subgraph.deps.db,
    `SELECT bytes::int AS bytes, range, version FROM downloads WHERE license_id = $1 ORDER BY id`,
    [uuidOf(licenseId)],
  );
}

export { outboxOf, sqlDuring, tokenFor, until } from '@marketplace/kit/testing';
