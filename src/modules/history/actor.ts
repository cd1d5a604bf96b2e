import { Principal } from '../auth/principal';

export const ACTOR_TYPES = ['staff', 'api_client', 'system', 'addon'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Who made a change: a staff member, a storefront's API client, the service itself, or an add-on. */
export interface Actor {
  type: ActorType;
  id: string | null;
  name: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: null };

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'staff'
    ? { type: 'staff', id: principal.userId, name: principal.email }
    : { type: 'api_client', id: principal.clientId, name: principal.name };
}
