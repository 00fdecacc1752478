import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class DataExportArgs {
  @Field(() => ID, { description: "The export's id." })
  id: string;
}
