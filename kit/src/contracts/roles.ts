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
}
