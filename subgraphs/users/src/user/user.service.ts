import {
  ConnectionShape,
  Outbox,
  PageArgs,
  RequestContext,
  Role,
  alignToKeys,
  badInput,
  conflict,
  defineLoader,
  isSelfOrAdmin,
  isUniqueViolation,
  isUuid,
  newestFirstEntities,
  notFound,
  requireViewer,
} from '@marketplace/kit';
import { DataSource, EntityManager, In } from 'typeorm';
import type { AccountEmails } from '../auth/account-emails';
import type { SessionService } from '../auth/session.service';
import { User } from './user.entity';
import { UpdateProfileInput, UserFilter } from './user.inputs';
import { UserInputCheck } from './user.validation';
import { lockAdminChanges, requireAnotherActiveAdmin } from './admin-guard';
import { STATUS_SQL, UserStatus } from './user-status.type';
import { auditUser } from './user-audit';

/** Longest `UserFilter.search`: longer text matches nobody anyway, and costs the trigram index more. */
export const USER_SEARCH_MAX_LENGTH = 100;

export class UserService {
  constructor(
    private readonly db: DataSource,
    private readonly emails: AccountEmails,
    private readonly sessions: Pick<SessionService, 'endAccess'>,
    private readonly outbox: Outbox,
    /** After a committed change to what anyone may see of a user (the display name). */
    private readonly announcePublicChange: () => Promise<void> = async () => undefined,
  ) {}

  /** Users by id, one query per request tick (references from other subgraphs land here). */
  readonly byId = defineLoader<string, User | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await this.db.getRepository(User).findBy({ id: In(valid) }) : [];
    return alignToKeys(ids, rows, (user) => user.id);
  });

  async get(context: RequestContext, id: string): Promise<User> {
    const user = await this.byId(context).load(id);
    if (!user) throw notFound('User');
    return user;
  }

  /** `lockForUpdate` for an admin's change of the user: an erased account takes none (CONFLICT, INVALID_STATUS). */
  async lockLiveForUpdate(manager: EntityManager, id: string): Promise<User> {
    const user = await this.lockForUpdate(manager, id);
    if (user.erasedAt)
      throw conflict('The account was erased; it takes no further change', 'INVALID_STATUS', [
        { field: 'input.userId', message: 'is an erased account' },
      ]);
    return user;
  }

  /**
   * Admins see anyone; everyone else only themselves. Missing and hidden are the same null
   * (an id's existence is not given away); only a malformed id is refused.
   */
  async getVisible(context: RequestContext, id: string): Promise<User | null> {
    if (!isUuid(id)) throw badInput([{ field: 'id', message: 'is not a user id' }]);
    if (!isSelfOrAdmin(context.viewer, id)) return null;
    return this.byId(context).load(id);
  }

  canSeePrivateFields(context: RequestContext, user: User): boolean {
    return isSelfOrAdmin(context.viewer, user.id);
  }

  /**
   * The admin list, newest first. `search` is a case-insensitive substring of the email or the
   * display name (trigram GIN indexes on both make `ILIKE '%text%'` an index scan).
   */
  async list(_context: RequestContext, filter: UserFilter = {}, page: PageArgs): Promise<ConnectionShape<User>> {
    const check = new UserInputCheck();
    const search =
      filter.search == null
        ? ''
        : check.singleLineText('filter.search', filter.search, USER_SEARCH_MAX_LENGTH, { optional: true });
    if (filter.createdAfter && filter.createdBefore && filter.createdAfter >= filter.createdBefore)
      check.add('filter.createdBefore', 'must be later than createdAfter');
    check.done();
    const query = this.db.getRepository(User).createQueryBuilder('u');
    if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
    if (search) {
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere('(u.email ILIKE :pattern OR u.display_name ILIKE :pattern)', { pattern });
    }
    if (filter.status) query.andWhere(STATUS_SQL[filter.status]);
    if (filter.createdAfter) query.andWhere('u.created_at >= :createdAfter', { createdAfter: filter.createdAfter });
    if (filter.createdBefore) query.andWhere('u.created_at < :createdBefore', { createdBefore: filter.createdBefore });
    return newestFirstEntities(query, ['u.created_at', 'u.id'], page, (user) => user.createdAt);
  }

  async updateProfile(context: RequestContext, input: UpdateProfileInput): Promise<User> {
    const viewer = requireViewer(context);
    const check = new UserInputCheck();
    const displayName =
      input.displayName === undefined || input.displayName === null
        ? undefined
        : check.displayName('input.displayName', input.displayName);
    const email =
      input.email === undefined || input.email === null ? undefined : check.email('input.email', input.email);
    check.done();
    const user = await this.db.transaction(async (manager) => {
      const current = await this.lockForUpdate(manager, viewer.id);
      if (displayName !== undefined) current.displayName = displayName;
      const emailChanged = email !== undefined && email !== current.email;
      if (emailChanged) {
        current.email = email;
        current.emailVerifiedAt = null;
      }
      const saved = await this.saveUnique(manager, current);
      if (emailChanged) await this.emails.verification(manager, saved);
      return saved;
    });
    // A display name is public (reviews show it): caches of public answers start over.
    if (displayName !== undefined) await this.announcePublicChange();
    return user;
  }

  async setRole(context: RequestContext, userId: string, role: Role): Promise<User> {
    const viewer = requireViewer(context);
    if (!isUuid(userId)) throw badInput([{ field: 'input.userId', message: 'is not a user id' }]);
    if (viewer.id === userId)
      throw conflict('Admins cannot change their own role', 'OWN_ROLE', [
        { field: 'input.userId', message: 'is your own account' },
      ]);
    return this.db.transaction(async (manager) => {
      // Demoting an admin must leave another active one: serialized with suspensions (admin-guard.ts).
      await lockAdminChanges(manager);
      const user = await this.lockLiveForUpdate(manager, userId);
      if (user.role === role) return user;
      if (user.role === Role.ADMIN && user.status === UserStatus.ACTIVE)
        await requireAnotherActiveAdmin(manager, userId, 'demote');
      const before = user.role;
      user.role = role;
      const saved = await manager.save(user);
      // Tokens carry the role: the old ones end, the user's next refresh carries the new role.
      saved.sessionVersion = await this.sessions.endAccess(manager, userId);
      await auditUser(manager, this.outbox, context, 'USER_ROLE_CHANGED', userId, {
        before: { role: before },
        after: { role },
      });
      context.log.info({ userId, role }, 'role changed');
      return saved;
    });
  }

  /** Row lock so concurrent edits of one account apply one after the other. */
  async lockForUpdate(manager: EntityManager, id: string): Promise<User> {
    const user = await manager.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw notFound('User');
    return user;
  }

  /** Saves, turning the email unique constraint into a CONFLICT on the email field. */
  async saveUnique(manager: EntityManager, user: User): Promise<User> {
    try {
      return await manager.save(user);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key'))
        throw conflict('An account with this email already exists', 'EMAIL_TAKEN', [
          { field: 'input.email', message: 'is taken by another account' },
        ]);
      throw error;
    }
  }
}
