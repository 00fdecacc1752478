import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors';
import type { RequestContext } from '../context';
import { Role, Viewer } from '../contracts/roles';

/** `@Authorized()` needs a signed-in viewer; `@Authorized(Role.ADMIN)` also one of the roles. */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  const viewer = requireViewer(context);
  if (roles.length > 0 && !roles.includes(viewer.role)) throw forbidden();
  return true;
};

export function requireViewer(context: Pick<RequestContext, 'viewer'>): Viewer {
  if (!context.viewer) throw unauthenticated();
  return context.viewer;
}

/** Whether `viewer` is the user `userId` or an admin: who may see and change a user's own things. */
export function isSelfOrAdmin(viewer: Viewer | null | undefined, userId: string): boolean {
  return viewer?.role === Role.ADMIN || viewer?.id === userId;
}
