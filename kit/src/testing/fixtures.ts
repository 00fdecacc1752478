import { randomUUID } from 'node:crypto';
import type { ProductState } from '../contracts/event-catalog';
import { Role } from '../contracts/roles';
import { Envelope, EventDefinition, createEnvelope } from '../events/envelope';
import { deliver, tokenFor, tokenOfUnknownUser } from './helpers';
import type { TestSubgraph } from './subgraph';

/** A signed-in user the subgraph under test has never heard of. */
export interface Person {
  id: string;
  role: Role;
  token: string;
}

export function person(role: Role | `${Role}` = Role.CUSTOMER): Person {
  const id = randomUUID();
  return { id, role: role as Role, token: tokenFor(id, role) };
}

/** A correctly signed token for a user nobody knows: no session record, as if the user did not exist. */
export function unknownPerson(role: Role | `${Role}` = Role.CUSTOMER): Person {
  const id = randomUUID();
  return { id, role: role as Role, token: tokenOfUnknownUser(id, role) };
}

/**
 * Hands `payload` to the subgraph as its producer would and waits until it was handled.
 * The envelope is dated now unless `occurredAt` says otherwise; its aggregate is the
 * payload's order, else product, vendor or user (consumers do not read it).
 */
export async function deliverEvent<T>(
  target: TestSubgraph,
  definition: EventDefinition<T>,
  payload: T,
  options: { occurredAt?: string; aggregateId?: string } = {},
): Promise<Envelope<T>> {
  const ids = payload as { orderId?: string; productId?: string; vendorId?: string; userId?: string };
  const envelope = createEnvelope(definition, payload, {
    source: 'test',
    correlationId: `test-${randomUUID()}`,
    aggregateId: options.aggregateId ?? ids.orderId ?? ids.productId ?? ids.vendorId ?? ids.userId ?? randomUUID(),
  });
  if (options.occurredAt) envelope.occurredAt = options.occurredAt;
  await deliver(target, envelope);
  return envelope;
}

/** A new product's published state, as the catalog announces it, with `overrides` applied. */
export function productState(overrides: Partial<ProductState> = {}): ProductState {
  const productId = overrides.productId ?? randomUUID();
  return {
    productId,
    vendorId: randomUUID(),
    slug: `p-${productId.slice(0, 8)}`,
    name: 'Test Agent',
    kind: 'AGENT',
    price: { amount: 1500, currency: 'USD' },
    status: 'PUBLISHED',
    revision: 1,
    ...overrides,
  };
}
