import { StaffRole } from './staff-user.entity';

/** Who is calling: a logged-in staff member or a storefront's API client. */
export type Principal =
  | {
      kind: 'staff';
      userId: string;
      email: string;
      /** As the account has it now, not as the token said when it was issued. */
      role: StaffRole;
      /** An admin reset the password: only the password change is open until the user has chosen one. */
      passwordChangeRequired: boolean;
    }
  | { kind: 'storefront'; clientId: string; name: string };

/** What a route may be called by; `staff` includes admins, since admins may do everything. */
export type Access = 'admin' | 'staff' | 'storefront';

export function isAllowed(principal: Principal, allowed: readonly Access[]): boolean {
  if (principal.kind === 'storefront') return allowed.includes('storefront');
  if (principal.role === 'admin') return true;
  return allowed.includes('staff');
}
