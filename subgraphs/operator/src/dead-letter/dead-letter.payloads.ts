import { Field, ObjectType } from 'type-graphql';
import { DeadLetter } from './dead-letter.type';

@ObjectType({ description: 'What replayDeadLetter changed.' })
export class ReplayDeadLetterPayload {
  @Field(() => DeadLetter, {
    description: 'The dead letter, REPLAY_REQUESTED: REPLAYED (or DEAD again) once its subgraph answers.',
  })
  deadLetter: DeadLetter;
}

@ObjectType({ description: 'What discardDeadLetter changed.' })
export class DiscardDeadLetterPayload {
  @Field(() => DeadLetter, { description: 'The dead letter, DISCARDED with the reason.' })
  deadLetter: DeadLetter;
}
