import { PublicData } from '@marketplace/kit';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: "A place in the catalog's tree of categories, e.g. Agents › Customer support." })
@PublicData()
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

  @Field({ description: 'What belongs in this category.' })
  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  /** Order among siblings. */
  @Column({ type: 'int' })
  position: number;
}
