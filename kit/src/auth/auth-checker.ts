import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors';
import type { RequestContext } from '../context';
import { Role, Viewer } from '../contracts/roles';

/**
 * `@Authorized()` needs a signed-in viewer; `@Authorized(Role.ADMIN)` also one of the roles. A
 * role withheld for want of a second factor (see `Viewer.withheldRole`) is refused with a reason
 * the client can act on.
 */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  const viewer = requireViewer(context);
  if (roles.length === 0 || roles.includes(viewer.role)) return true;
  if (viewer.withheldRole && roles.includes(viewer.withheldRole)) throw secondFactorRequired();
  throw forbidden();
};

export function secondFactorRequired() {
  return forbidden('Sign in with a second factor to do this', 'SECOND_FACTOR_REQUIRED');
}

export function requireViewer(context: Pick<RequestContext, 'viewer'>): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

/** Whether `viewer` is the user `userId` or an admin: who may see and change a user's own things. */
export function isSelfOrAdmin(viewer: Viewer | null | undefined, userId: string): boolean {
  return viewer?.role === Role.ADMIN || viewer?.id === userId;
}
