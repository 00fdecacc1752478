import { Connection } from '@marketplace/kit';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum DataExportStatus {
  PENDING = 'PENDING',
  READY = 'READY',
}

registerEnumType(DataExportStatus, {
  name: 'DataExportStatus',
  description: 'Where a data export stands.',
  valuesConfig: {
    PENDING: { description: 'Asked for; the subgraphs holding the data are still sending their parts.' },
    READY: { description: 'Assembled: one JSON document, downloadable by its owner until `expiresAt`.' },
  },
});

@ObjectType({
  description:
    "A copy of a user's own data from every subgraph that holds some (profile, orders, payments, licenses and " +
    'activations, reviews, vendor records), as one JSON document. Visible to its owner only.',
})
export class DataExport {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  /** The owner; not exposed (only the owner ever sees an export). */
  userId: string;

  @Field(() => DataExportStatus, { description: 'Where the export stands.' })
  status: DataExportStatus;

  @Field({ description: 'When the user asked for it.' })
  requestedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the document was assembled; null while PENDING.' })
  readyAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the document is deleted and its downloads stop; null while PENDING.',
  })
  expiresAt: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A short-lived signed link to the JSON document, served by the gateway; it answers only with the ' +
      "owner's access token (`Authorization: Bearer`). Null unless READY and not expired.",
  })
  downloadUrl: string | null;

  /** Where the document is in the exports' object storage; null while PENDING. */
  storageKey: string | null;
}

export const DataExportConnection = Connection(DataExport, 'DataExport');
