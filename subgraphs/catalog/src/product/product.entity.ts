import { Connection, EntityDescriptions, ListSize, Money, PublicData } from '@marketplace/kit';
import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Artifact } from '../artifact/artifact.type';
import type { VendorStatus } from '../vendor-replica/vendor-replica.entity';
import { DETAILS_MAX, TAGS_MAX } from './product.validation';

export enum ProductKind {
  AGENT = 'AGENT',
  WORKFLOW = 'WORKFLOW',
  TOOL = 'TOOL',
}

export enum ProductStatus {
  DRAFT = 'DRAFT',
  IN_REVIEW = 'IN_REVIEW',
  PUBLISHED = 'PUBLISHED',
  REJECTED = 'REJECTED',
  ARCHIVED = 'ARCHIVED',
}

registerEnumType(ProductKind, {
  name: 'ProductKind',
  description: 'What a product is.',
  valuesConfig: {
    AGENT: { description: 'An AI agent that works towards a goal on its own.' },
    WORKFLOW: { description: "A multi-step automation connected to the buyer's accounts." },
    TOOL: { description: 'A single-purpose building block: connector, evaluator, CLI.' },
  },
});

registerEnumType(ProductStatus, {
  name: 'ProductStatus',
  description:
    'Where a product is in moderation: DRAFT → IN_REVIEW → PUBLISHED (or REJECTED → IN_REVIEW again); ARCHIVED is final.',
  valuesConfig: {
    DRAFT: { description: 'Being written by its vendor; only the vendor and admins see it.' },
    IN_REVIEW: { description: 'Submitted, waiting for an admin.' },
    PUBLISHED: { description: 'In the storefront.' },
    REJECTED: { description: 'Turned down by an admin, with a reason; the vendor may fix it and submit again.' },
    ARCHIVED: { description: 'Withdrawn for good.' },
  },
});

@ObjectType({ description: EntityDescriptions.Product })
@Directive('@key(fields: "id")')
@PublicData()
@Entity({ name: 'products' })
export class Product {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field({ description: 'URL-friendly unique name, derived from the name.' })
  @Column({ type: 'text' })
  slug: string;

  @Field({ description: 'Display name, 1 to 120 characters.' })
  @Column({ type: 'text' })
  name: string;

  @Field(() => String, {
    nullable: true,
    description: 'What the product does, up to 10,000 characters of plain text; null when the vendor wrote none.',
  })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => ProductKind, { description: 'Agent, workflow or tool.' })
  @Column({ type: 'text' })
  kind: ProductKind;

  @Column({ name: 'price_amount', type: 'int' })
  priceAmount: number;

  @Column({ name: 'price_currency', type: 'text' })
  priceCurrency: string;

  @ListSize(TAGS_MAX)
  @Field(() => [String], { description: 'Lower-case keywords, at most 10.' })
  @Column({ type: 'text', array: true })
  tags: string[];

  @ListSize(DETAILS_MAX)
  @Field(() => [String], {
    description:
      "What a buyer needs to run it (accounts, runtimes, plans), in the vendor's words: at most 20 lines of up to 200 characters; [] when none given.",
  })
  @Column({ type: 'text', array: true })
  requirements: string[];

  @ListSize(DETAILS_MAX)
  @Field(() => [String], {
    description:
      "What it works with (tools, platforms, models), in the vendor's words: at most 20 lines of up to 200 characters; [] when none given.",
  })
  @Column({ type: 'text', array: true })
  compatibility: string[];

  @Field(() => ProductStatus, { description: 'Where the product is in moderation.' })
  @Column({ type: 'text' })
  status: ProductStatus;

  /** Exposed through `ProductResolver.rejectionReason`, which hides it from other viewers. */
  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  @Field(() => Int, {
    description:
      'Counts the changes of the product: starts at 1 and increases with every change (events carry it too).',
  })
  @Column({ type: 'int' })
  revision: number;

  @Column({ name: 'vendor_id', type: 'uuid' })
  vendorId: string;

  @Column({ name: 'category_id', type: 'uuid' })
  categoryId: string;

  /** Average review rating, 0 until the first review. */
  @Column({
    type: 'numeric',
    precision: 3,
    scale: 2,
    transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) },
  })
  rating: number;

  @Field(() => Int, { description: 'Number of reviews.' })
  @Column({ name: 'review_count', type: 'int' })
  reviewCount: number;

  @Field(() => Int, {
    description:
      "Machines one license of this product may be activated on at once (the vendor's policy, 1 to 1,000; default 3).",
  })
  @Column({ name: 'max_activations', type: 'int' })
  maxActivations: number;

  /** Licenses sold; drives the BEST_SELLING sort. */
  @Column({ name: 'sales_count', type: 'int' })
  salesCount: number;

  @Field({ description: 'When the vendor created the product.' })
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'When the product last changed.' })
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the product was first published; null until then.' })
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** When the vendor last submitted it for review (the moderation queue's order); null if never. */
  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  /** The current artifact (the latest upload); all of them are in `artifacts`. */
  @Column({ name: 'artifact_version', type: 'text', nullable: true })
  artifactVersion: string | null;

  @Column({ name: 'artifact_sha256', type: 'text', nullable: true })
  artifactSha256: string | null;

  @Column({ name: 'artifact_size', type: 'bigint', nullable: true })
  artifactSize: number | null;

  @Column({ name: 'artifact_uploaded_at', type: 'timestamptz', nullable: true })
  artifactUploadedAt: Date | null;

  /** From the vendor replica (joined): who runs the vendor, and whether it may sell. */
  vendorUserId: string | null;
  vendorStatus: VendorStatus | null;

  @Field(() => Money, { description: 'Price per license.' })
  get price(): Money {
    return Money.of(this.priceAmount, this.priceCurrency);
  }

  @Field(() => Float, {
    name: 'rating',
    nullable: true,
    description: 'Average review rating from 1 to 5, to one decimal; null until the first review.',
  })
  get averageRating(): number | null {
    return this.reviewCount > 0 ? this.rating : null;
  }

  @Field(() => Artifact, {
    nullable: true,
    description:
      'The build buyers download (its checksum, size and version, never the bytes); null until the vendor uploads one.',
  })
  get artifact(): Artifact | null {
    if (this.artifactVersion === null || this.artifactVersion === undefined) return null;
    return {
      version: this.artifactVersion,
      sha256: this.artifactSha256!,
      size: this.artifactSize!,
      uploadedAt: this.artifactUploadedAt!,
    };
  }
}

export const ProductConnection = Connection(Product, 'Product');
