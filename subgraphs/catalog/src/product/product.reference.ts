import type { ReferenceResolvers } from '@marketplace/kit';
import type { ProductService } from './product.service';

/** `Product` entities other subgraphs point at, loaded in one SQL statement per request tick. */
export const productReferences = (products: ProductService): ReferenceResolvers => ({
  Product: {
    __resolveReference: (reference: { id: string }, context) => products.reference(context, reference.id),
  },
});
