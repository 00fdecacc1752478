import { ConnectionShape, PagedList, RequestContext, Role } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DeadLettersArgs } from './dead-letter.args';
import { DiscardDeadLetterInput, ReplayDeadLetterInput } from './dead-letter.inputs';
import { DiscardDeadLetterPayload, ReplayDeadLetterPayload } from './dead-letter.payloads';
import { DeadLetterService } from './dead-letter.service';
import { DeadLetter, DeadLetterConnection, DeadLetterReplay } from './dead-letter.type';
import { checkDeadLetterFilter, checkDiscardReason } from './dead-letter.validation';

const MOVE_ERRORS = 'Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (INVALID_STATUS).';

@Resolver(() => DeadLetter)
export class DeadLetterResolver {
  constructor(private readonly registry: DeadLetterService) {}

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => DeadLetterConnection, {
    nullable: true,
    description:
      "Events a subgraph's handler gave up on, across every subgraph, newest first (admin): the envelope, the handler's last error, the attempts and where each stands. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  deadLetters(@Args() { filter, ...page }: DeadLettersArgs): Promise<ConnectionShape<DeadLetter>> {
    return this.registry.list(checkDeadLetterFilter(filter), page);
  }

  @FieldResolver(() => [DeadLetterReplay], { description: 'Every replay asked for, oldest first.' })
  replays(@Root() letter: DeadLetter, @Ctx() context: RequestContext): Promise<DeadLetterReplay[]> {
    return this.registry.replaysOf(context).load(letter.id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ReplayDeadLetterPayload, {
    nullable: true,
    description: `Redelivers a DEAD dead letter to its handler through the owning subgraph's inbox (admin), audited: a replay of an event that already took effect does nothing (ALREADY_APPLIED). The letter is REPLAY_REQUESTED until the subgraph answers: REPLAYED, or DEAD again with the new error (see \`replays\`). Anything but DEAD (two admins at once: the second) is CONFLICT (INVALID_STATUS). ${MOVE_ERRORS}`,
  })
  async replayDeadLetter(
    @Arg('input', { description: 'The dead letter to redeliver.' }) input: ReplayDeadLetterInput,
    @Ctx() context: RequestContext,
  ): Promise<ReplayDeadLetterPayload> {
    return { deadLetter: await this.registry.replay(context, input.deadLetterId) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DiscardDeadLetterPayload, {
    nullable: true,
    description: `Gives up on a DEAD dead letter for good, with a reason (admin), audited; the owning subgraph marks it too. Anything but DEAD is CONFLICT (INVALID_STATUS). ${MOVE_ERRORS}`,
  })
  async discardDeadLetter(
    @Arg('input', { description: 'The dead letter to give up on, and why.' }) input: DiscardDeadLetterInput,
    @Ctx() context: RequestContext,
  ): Promise<DiscardDeadLetterPayload> {
    const reason = checkDiscardReason(input.reason);
    return { deadLetter: await this.registry.discard(context, input.deadLetterId, reason) };
  }
}
