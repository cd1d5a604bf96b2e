import { ApiProperty } from '@nestjs/swagger';
import { Actor, ACTOR_TYPES, ActorType } from '../actor';

/** Who acted: a staff member, a storefront's API client, the service itself or an add-on. */
export class ActorResponseDto {
  @ApiProperty({ enum: ACTOR_TYPES, example: 'staff' })
  type: ActorType;

  @ApiProperty({ nullable: true, type: String, description: 'Staff user id or API client id.' })
  id: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'anna@cart-power.example' })
  name: string | null;

  static from(actor: Actor): ActorResponseDto {
    return { type: actor.type, id: actor.id, name: actor.name };
  }
}
