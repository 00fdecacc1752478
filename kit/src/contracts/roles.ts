import { registerEnumType } from 'type-graphql';

/** Roles of the marketplace, carried in the access token and checked by `@Authorized`. */
export enum Role {
  CUSTOMER = 'CUSTOMER',
  VENDOR = 'VENDOR',
  ADMIN = 'ADMIN',
}

// The schema's `Role`, one declaration for every subgraph that shows one (users, operator).
registerEnumType(Role, {
  name: 'Role',
  description: 'What a user may do: buy (CUSTOMER), also sell (VENDOR), or run the marketplace (ADMIN).',
  valuesConfig: {
    CUSTOMER: { description: 'Buys products.' },
    VENDOR: { description: 'Sells products through an approved vendor profile.' },
    ADMIN: { description: 'Moderates vendors, products, users and refunds.' },
  },
});

/** Who is making the request, as proven by a verified access token. */
export interface Viewer {
  id: string;
  role: Role;
  /** The session was established with a second factor (the token's `amr` claim holds `mfa`). */
  secondFactor?: boolean;
  /**
   * The role the token names but this viewer does not act with: an ADMIN whose session lacks the
   * second factor `ADMIN_REQUIRE_TWO_FACTOR` asks for acts as a CUSTOMER until signing in with one.
   */
  withheldRole?: Role;
  /** Set when the request came with one of the user's API keys: which key, and the scopes it carries. */
  apiKey?: { id: string; scopes: string[] };
}
