import { randomUUID } from 'node:crypto';
import { Envelope, Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, startTestSubgraph, tokenFor } from '@marketplace/kit/testing';
import { vendorSubgraph } from './index';

export function startVendor(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(vendorSubgraph, env);
}


/** A signed-in user the vendor subgraph has never heard of. */
export interface Person {
  id: string;
  role: Role;
  token: string;
}

export function person(role: Role = Role.CUSTOMER): Person {
  const id = randomUUID();
  return { id, role, token: tokenFor(id, role) };
}

export const VENDOR_FIELDS = 'id displayName slug bio status commissionRate rejectionReason suspensionReason createdAt approvedAt user { id }';

export interface VendorView {
  id: string;
  displayName: string;
  slug: string;
  bio: string | null;
  status: 'PENDING' | 'ACTIVE' | 'REJECTED' | 'SUSPENDED';
  commissionRate: number;
  rejectionReason: string | null;
  suspensionReason: string | null;
  createdAt: string;
  approvedAt: string | null;
  user: { id: string };
}

export const APPLY = `mutation($input: ApplyAsVendorInput!) { applyAsVendor(input: $input) { ${VENDOR_FIELDS} } }`;
export const APPROVE = `mutation($id: ID!) { approveVendor(id: $id) { ${VENDOR_FIELDS} } }`;
export const REJECT = `mutation($id: ID!, $reason: String!) { rejectVendor(id: $id, reason: $reason) { ${VENDOR_FIELDS} } }`;
export const SUSPEND = `mutation($id: ID!, $reason: String) { suspendVendor(id: $id, reason: $reason) { ${VENDOR_FIELDS} } }`;
export const REINSTATE = `mutation($id: ID!) { reinstateVendor(id: $id) { ${VENDOR_FIELDS} } }`;

let counter = 0;
/** A display name no other test uses, so generated slugs never collide by accident. */
export function uniqueName(prefix = 'Shop'): string {
  counter += 1;
  return `${prefix} ${process.pid} ${Date.now().toString(36)} ${counter}`;
}

/** Applies through the API as `who` (a new customer by default). */
export async function applyAs(vendor: TestSubgraph, who: Person = person(), input: Record<string, unknown> = {}): Promise<{ owner: Person; vendor: VendorView }> {
  const data = await vendor.client.data<{ applyAsVendor: VendorView }>(APPLY, { variables: { input: { displayName: uniqueName(), ...input } }, token: who.token });
  return { owner: who, vendor: data.applyAsVendor };
}

/** A vendor brought to `status` through the API, as an admin would. */
export async function vendorIn(vendor: TestSubgraph, status: VendorView['status'], admin: Person): Promise<{ owner: Person; vendor: VendorView }> {
  const made = await applyAs(vendor);
  const run = async (query: string, variables: Record<string, unknown> = {}) =>
    Object.values(await vendor.client.data<Record<string, VendorView>>(query, { variables: { id: made.vendor.id, ...variables }, token: admin.token }))[0];
  if (status === 'REJECTED') made.vendor = await run(REJECT, { reason: 'Not a fit for the marketplace yet.' });
  if (status === 'ACTIVE' || status === 'SUSPENDED') made.vendor = await run(APPROVE);
  if (status === 'SUSPENDED') made.vendor = await run(SUSPEND, { reason: 'Chargebacks under review.' });
  return made;
}

/** The events this subgraph recorded for one aggregate, oldest first. */
export async function outboxEnvelopes(vendor: TestSubgraph, aggregateId: string): Promise<Envelope[]> {
  const rows = await queryRows<{ envelope: Envelope }>(vendor.subgraph.deps.db, `SELECT envelope FROM outbox WHERE aggregate_id = $1 ORDER BY position`, [aggregateId]);
  return rows.map((row) => row.envelope);
}

export { sqlDuring, tokenFor } from '@marketplace/kit/testing';
