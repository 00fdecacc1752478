/**
 * Global ids (docs/api-conventions.md §8): every `id` the API answers is `<Typename>:<uuid>`
 * (`Order:0b7e…`), the same for an object whichever subgraph answers it, and inputs take only
 * such ids. Resolvers and services never see them: `applyGlobalIds` (global-ids-transform.ts)
 * encodes what resolvers return and decodes what clients send, at the schema's edge.
 */

/**
 * THE switch. Off: ids are bare UUIDs and there is no `Node` (the schema is exactly what it
 * was). On: every subgraph encodes and decodes global ids and the users subgraph answers
 * `node`/`nodes`. Flip it here (then `npm run schema`); `GLOBAL_IDS=true|false` in the
 * environment overrides it for one process (tests, a staging trial) — every subgraph of a
 * supergraph must agree, and the supergraph SDL the gateway serves must be composed the same way.
 */
export const GLOBAL_IDS_DEFAULT = true;

/** Whether this process serves global ids: `GLOBAL_IDS` when set, else `GLOBAL_IDS_DEFAULT`. */
export function globalIdsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.GLOBAL_IDS?.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return GLOBAL_IDS_DEFAULT;
}

const HEX = '[0-9a-fA-F]';
const GLOBAL_ID_PATTERN = new RegExp(`^([A-Z][A-Za-z0-9]*):(${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12})$`);
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A global id taken apart. */
export interface ParsedGlobalId {
  typename: string;
  uuid: string;
}

/** `<typename>:<uuid>`; what every `id` field answers when global ids are on. */
export function globalId(typename: string, uuid: string): string {
  return `${typename}:${uuid}`;
}

/** The parts of a well-formed global id (uuid lower-cased), or undefined. */
export function parseGlobalId(value: unknown): ParsedGlobalId | undefined {
  if (typeof value !== 'string') return undefined;
  const match = GLOBAL_ID_PATTERN.exec(value);
  return match ? { typename: match[1], uuid: match[2].toLowerCase() } : undefined;
}

/** The uuid inside a global id (tests: `uuidOf(order.id)`); throws on anything else. */
export function uuidOf(value: string): string {
  const parsed = parseGlobalId(value);
  if (!parsed) throw new Error(`not a global id: ${JSON.stringify(value)}`);
  return parsed.uuid;
}

/**
 * The uuid behind an id in either mode: a global id's uuid, a bare UUID as it is, anything
 * else unchanged. For code that must work whether the switch is on or off (the gateway's
 * subscription topics), never for validating input.
 */
export function rawIdOf(value: string): string {
  return parseGlobalId(value)?.uuid ?? value;
}

/** An id in the shape this process answers: `globalId(typename, uuid)` when on, the uuid when off. */
export function apiId(typename: string, uuid: string, enabled = globalIdsEnabled()): string {
  return enabled ? globalId(typename, uuid) : uuid;
}

/** Whether `value` is a bare UUID. */
export function isBareUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * Argument and field names that say which type of id they hold (docs/api-conventions.md §5):
 * `orderId`, and names ending in it (`deletedReviewId`), hold an `Order` id. Adding a type
 * that clients refer to by id is one line here.
 */
export const ID_NAME_TYPES: Readonly<Record<string, string>> = {
  categoryId: 'Category',
  licenseId: 'License',
  orderId: 'Order',
  paymentId: 'Payment',
  payoutId: 'Payout',
  productId: 'Product',
  reviewId: 'Review',
  userId: 'User',
  vendorId: 'Vendor',
};

/** The type an id named `name` must be of (`productIds` → Product), or undefined when the name does not say. */
export function typeNamedBy(name: string): string | undefined {
  for (const [idName, typename] of Object.entries(ID_NAME_TYPES)) {
    const capitalized = idName[0].toUpperCase() + idName.slice(1);
    for (const candidate of [idName, `${idName}s`]) if (name === candidate) return typename;
    for (const suffix of [capitalized, `${capitalized}s`]) if (name.endsWith(suffix)) return typename;
  }
  return undefined;
}

/** Why `value` is not a global id of `expected` (any type when undefined), or undefined when it is. */
export function globalIdProblem(value: unknown, expected: ReadonlySet<string> | undefined): string | undefined {
  const parsed = parseGlobalId(value);
  if (!parsed) return 'must be a global id (`<Type>:<uuid>`, as the API answered it)';
  if (expected && !expected.has(parsed.typename))
    return `must be an id of type ${[...expected].join(' or ')}, not ${parsed.typename}`;
  return undefined;
}
