import { type RequestContext, Role } from '@marketplace/kit';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { CategoryAdminService } from './category-admin.service';
import { ArchiveCategoryInput, CreateCategoryInput, MoveCategoryInput, RenameCategoryInput } from './category.inputs';
import {
  ArchiveCategoryPayload,
  CreateCategoryPayload,
  MoveCategoryPayload,
  RenameCategoryPayload,
} from './category.payloads';
import { CategoryService } from './category.service';

/** The admin's changes of the category tree. */
@Resolver()
export class CategoryAdminResolver {
  constructor(
    private readonly admin: CategoryAdminService,
    private readonly categories: CategoryService,
  ) {}

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateCategoryPayload, {
    nullable: true,
    description:
      'Creates a category, at the top level or under a parent, after its siblings (admin). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (CATEGORY_ARCHIVED, CATEGORY_SLUG_TAKEN, CATEGORY_TOO_DEEP).',
  })
  async createCategory(
    @Arg('input', () => CreateCategoryInput, { description: 'The new category.' }) input: CreateCategoryInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateCategoryPayload> {
    return { category: await this.admin.create(context, input) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RenameCategoryPayload, {
    nullable: true,
    description:
      'Changes the name and/or slug of a category (admin). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (CATEGORY_ARCHIVED, CATEGORY_SLUG_TAKEN).',
  })
  async renameCategory(
    @Arg('input', () => RenameCategoryInput, { description: 'The category and its new name or slug.' })
    input: RenameCategoryInput,
    @Ctx() context: RequestContext,
  ): Promise<RenameCategoryPayload> {
    return { category: await this.admin.rename(context, input) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MoveCategoryPayload, {
    nullable: true,
    description:
      'Moves a category with its sub-categories under another parent or to the top level, after its new siblings (admin). Tree changes apply one at a time, so two moves never make a cycle. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (CATEGORY_ARCHIVED, CATEGORY_CYCLE, CATEGORY_TOO_DEEP).',
  })
  async moveCategory(
    @Arg('input', () => MoveCategoryInput, { description: 'The category and its new parent.' })
    input: MoveCategoryInput,
    @Ctx() context: RequestContext,
  ): Promise<MoveCategoryPayload> {
    const { category, previousParentId } = await this.admin.move(context, input);
    const previousParent = previousParentId ? await this.categories.byId(context).load(previousParentId) : null;
    return { category, previousParent };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ArchiveCategoryPayload, {
    nullable: true,
    description:
      'Archives a category for good (admin): it leaves `categories` and takes no new products. Refused while it holds products (any status but ARCHIVED) or sub-categories: the message and `fields` say how many; move them first. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (CATEGORY_ARCHIVED, CATEGORY_NOT_EMPTY).',
  })
  async archiveCategory(
    @Arg('input', () => ArchiveCategoryInput, { description: 'The category to archive.' }) input: ArchiveCategoryInput,
    @Ctx() context: RequestContext,
  ): Promise<ArchiveCategoryPayload> {
    return { category: await this.admin.archive(context, input) };
  }
}
