import { StaffRole } from './staff-user.entity';

/** A change an admin makes to a staff account. */
export type AccountChange = { kind: 'disable' } | { kind: 'enable' } | { kind: 'role'; role: StaffRole };

/** What the rule needs to know, read under lock: the acting admin, the account, the enabled admins. */
export interface AccountChangeFacts {
  actorId: string;
  target: { id: string; role: StaffRole; disabled: boolean };
  /** Every enabled admin, the target included if it is one. */
  activeAdminIds: readonly string[];
}

export type AccountChangeVerdict =
  | { outcome: 'apply' }
  /** The account is already as asked: answered as it is, with nothing recorded. */
  | { outcome: 'unchanged' }
  | { outcome: 'refused'; code: 'CANNOT_DISABLE_SELF' | 'LAST_ACTIVE_ADMIN' };

/**
 * Whether an admin may make the change: never disable oneself (another admin must, so that no one locks
 * themselves out by mistake), and never leave the service without an enabled admin (disabling or demoting the
 * last one). Asking for the state an account already has changes nothing.
 */
export function judgeAccountChange(change: AccountChange, facts: AccountChangeFacts): AccountChangeVerdict {
  const { actorId, target, activeAdminIds } = facts;
  if (change.kind === 'disable' && target.id === actorId) return { outcome: 'refused', code: 'CANNOT_DISABLE_SELF' };
  const unchanged =
    (change.kind === 'disable' && target.disabled) ||
    (change.kind === 'enable' && !target.disabled) ||
    (change.kind === 'role' && change.role === target.role);
  if (unchanged) return { outcome: 'unchanged' };
  const isActiveAdmin = !target.disabled && target.role === 'admin';
  const removesAdmin =
    isActiveAdmin && (change.kind === 'disable' || (change.kind === 'role' && change.role !== 'admin'));
  if (removesAdmin && activeAdminIds.filter((id) => id !== target.id).length === 0) {
    return { outcome: 'refused', code: 'LAST_ACTIVE_ADMIN' };
  }
  return { outcome: 'apply' };
}

/** Whether two passwords are the same password, as the hash sees them (it normalises to NFKC first). */
export function samePassword(a: string, b: string): boolean {
  return a.normalize('NFKC') === b.normalize('NFKC');
}
