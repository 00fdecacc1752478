import { Field, InputType } from 'type-graphql';

@InputType({
  description: "What checkout needs: the cart is the signed-in user's, the prices are the marketplace's own.",
})
export class CheckoutInput {
  @Field({
    description:
      'Chosen by the client per purchase attempt (8 to 100 of A-Z a-z 0-9 _ : -): retrying with the same key returns the same order instead of a second one.',
  })
  idempotencyKey: string;
}
