import { Field, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity';
import { DataExport } from './data-export.type';

@ObjectType({ description: 'What `exportMyData` started.' })
export class ExportMyDataPayload {
  @Field(() => DataExport, { description: 'The new export, PENDING until every subgraph sent its part.' })
  dataExport: DataExport;
}

@ObjectType({ description: 'What `deleteMyAccount` changed.' })
export class DeleteMyAccountPayload {
  @Field(() => User, { description: 'The account as it is now: erased, with no personal data left.' })
  user: User;
}

@ObjectType({ description: 'What `eraseUser` changed.' })
export class EraseUserPayload {
  @Field(() => User, { description: 'The account as it is now: erased, with no personal data left.' })
  user: User;
}
