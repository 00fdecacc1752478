import { PageArgs, PagedList, RequestContext, Role, ViewerDependent, forbidden, requireViewer } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { User } from '../user/user.entity';
import { DataExportService } from './data-export.service';
import { DataExport, DataExportConnection } from './data-export.type';
import { ErasureService } from './erasure.service';
import { DataExportArgs } from './privacy.args';
import { DeleteMyAccountInput, EraseUserInput } from './privacy.inputs';
import { DeleteMyAccountPayload, EraseUserPayload, ExportMyDataPayload } from './privacy.payloads';

/** Data exports and erasure: a user's copy of their data, and the right to be forgotten. */
@Resolver(() => User)
export class PrivacyResolver {
  constructor(
    private readonly exports: DataExportService,
    private readonly erasure: ErasureService,
  ) {}

  @Authorized()
  @Mutation(() => ExportMyDataPayload, {
    nullable: true,
    description:
      "Starts a copy of the signed-in user's data from every subgraph holding some, as one JSON document; poll " +
      '`dataExport(id)` or `me { dataExports }` until READY, then download it from `downloadUrl` with your access ' +
      'token. One export at a time. Errors: UNAUTHENTICATED, CONFLICT (EXPORT_PENDING).',
  })
  async exportMyData(@Ctx() context: RequestContext): Promise<ExportMyDataPayload> {
    return { dataExport: await this.exports.request(context) };
  }

  @Query(() => DataExport, {
    nullable: true,
    description:
      "One of the signed-in user's data exports; null when it does not exist, is someone else's or the caller is " +
      'anonymous. Errors: BAD_USER_INPUT.',
  })
  dataExport(@Args() { id }: DataExportArgs, @Ctx() context: RequestContext): Promise<DataExport | null> {
    return this.exports.get(context, id);
  }

  // Nullable: a refusal here must not null the whole user.
  @PagedList()
  @ViewerDependent()
  @FieldResolver(() => DataExportConnection, {
    nullable: true,
    description:
      "The user's data exports, newest first: for the user themselves only (`me { dataExports }`), " +
      'UNAUTHENTICATED or FORBIDDEN (field null) for anyone else, admins included.',
  })
  dataExports(@Root() user: User, @Args() page: PageArgs, @Ctx() context: RequestContext) {
    const viewer = requireViewer(context);
    if (viewer.id !== user.id) throw forbidden('Only the user sees their own data exports');
    return this.exports.list(user.id, page);
  }

  @Authorized()
  @Mutation(() => DeleteMyAccountPayload, {
    nullable: true,
    description:
      "Deletes the signed-in user's account: personal data is anonymised in every subgraph (orders, payments and " +
      'ledger lines keep their amounts under a pseudonym), every session ends and sign-in is no longer possible. ' +
      'Final. Errors: UNAUTHENTICATED, BAD_USER_INPUT, RATE_LIMITED, CONFLICT (LAST_ADMIN, VENDOR_ACCOUNT).',
  })
  async deleteMyAccount(
    @Arg('input', { description: 'Your password.' }) input: DeleteMyAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<DeleteMyAccountPayload> {
    return { user: await this.erasure.deleteMyAccount(context, input.password) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => EraseUserPayload, {
    nullable: true,
    description:
      "Erases a user's personal data in every subgraph, as deleteMyAccount does (admin; not your own account). " +
      'Erasing an erased user changes nothing. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, ' +
      'CONFLICT (OWN_ACCOUNT, LAST_ADMIN).',
  })
  async eraseUser(
    @Arg('input', { description: 'The user to erase.' }) input: EraseUserInput,
    @Ctx() context: RequestContext,
  ): Promise<EraseUserPayload> {
    return { user: await this.erasure.eraseUser(context, input.userId) };
  }
}
