import { EntityCacheHint, EntityDescriptions } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: EntityDescriptions.Category })
@Directive('@key(fields: "id")')
@EntityCacheHint('Category')
@Entity({ name: 'categories' })
export class Category {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field({ description: 'URL-friendly unique name, e.g. `customer-support`.' })
  @Column({ type: 'text' })
  slug: string;

  @Field({ description: 'Display name.' })
  @Column({ type: 'text' })
  name: string;

  @Field(() => String, { nullable: true, description: 'What belongs in this category; null when not written.' })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  /** Order among siblings. */
  @Column({ type: 'int' })
  position: number;

  @Field(() => Date, {
    nullable: true,
    description:
      'When an admin archived the category; null while it is in use. Archived categories leave the tree and take no new products.',
  })
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt: Date | null;
}
