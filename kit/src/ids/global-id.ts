/**
 * Global ids (docs/api-conventions.md §8): every `id` the API answers is `<Typename>:<uuid>`
 * (`Order:0b7e…`), the same for an object whichever subgraph answers it, and inputs take only
 * such ids. Resolvers and services never see them: `applyGlobalIds` (global-ids-transform.ts)
 * encodes what resolvers return and decodes what clients send, at the schema's edge.
 */

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
 * The uuid behind an id: a global id's uuid, anything else unchanged (the gateway's
 * subscription topics, before the subgraph has validated the argument); never for validating input.
 */
export function rawIdOf(value: string): string {
  return parseGlobalId(value)?.uuid ?? value;
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
  // An audit record's actor is always a user (`auditLog(filter: { actorId })`).
  actorId: 'User',
  categoryId: 'Category',
  couponId: 'Coupon',
  deadLetterId: 'DeadLetter',
  licenseId: 'License',
  notificationId: 'Notification',
  orderId: 'Order',
  passkeyId: 'Passkey',
  paymentId: 'Payment',
  payoutId: 'Payout',
  productId: 'Product',
  productMediaId: 'ProductMedia',
  reviewId: 'Review',
  sessionId: 'Session',
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
