/** Roles of the marketplace, carried in the access token and checked by `@Authorized`. */
export enum Role {
  CUSTOMER = 'CUSTOMER',
  VENDOR = 'VENDOR',
  ADMIN = 'ADMIN',
}

/** Who is making the request, as proven by a verified access token. */
export interface Viewer {
  id: string;
  role: Role;
}
