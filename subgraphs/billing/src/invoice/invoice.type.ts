import { Money } from '@marketplace/kit';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "The numbered invoice of a paid order (one per order), issued by the marketplace when the payment succeeded; its PDF is the legal document. Seen by the order's buyer, the vendors with a line on it and admins.",
})
export class Invoice {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field({ description: 'Its number, gapless per calendar year of issue: `INV-2026-000123`.' })
  number: string;

  @Field({ description: 'When it was issued (the payment was recorded).' })
  issuedAt: Date;

  @Field(() => Money, { description: 'What the buyer was charged: the lines after discounts, tax included.' })
  total: Money;

  @Field({
    description:
      'A signed link to the PDF, valid for minutes (a new one with every read); it needs no sign-in, so share it with care.',
  })
  pdfUrl: string;
}

@ObjectType({
  description:
    'A numbered credit note: the lines of an invoice a refund gave back, each line once. Seen by whoever may see the invoice.',
})
export class CreditNote {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field({ description: 'Its number, gapless per calendar year of issue in its own series: `CN-2026-000001`.' })
  number: string;

  @Field({ description: 'When it was issued (the refund was recorded).' })
  issuedAt: Date;

  @Field({ description: 'The number of the invoice it credits.' })
  invoiceNumber: string;

  @Field(() => Money, { description: 'What it credits: the refunded lines in full, tax included (a positive amount).' })
  amount: Money;

  @Field({ description: 'A signed link to the PDF, valid for minutes (a new one with every read).' })
  pdfUrl: string;
}
