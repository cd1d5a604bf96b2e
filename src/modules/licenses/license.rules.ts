import { LicenseStatus } from './license.entity';

export type LifecycleAction = 'deliver' | 'suspend' | 'reinstate' | 'revoke';

/** pending → active ⇄ suspended; pending | active | suspended → revoked, which is final. */
const LIFECYCLE: Record<LifecycleAction, { from: readonly LicenseStatus[]; to: LicenseStatus }> = {
  deliver: { from: ['pending'], to: 'active' },
  suspend: { from: ['active'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'active' },
  revoke: { from: ['pending', 'active', 'suspended'], to: 'revoked' },
};

/** The status an action leads to, or undefined when the lifecycle does not allow it from `status`. */
export function nextStatus(status: LicenseStatus, action: LifecycleAction): LicenseStatus | undefined {
  const rule = LIFECYCLE[action];
  return rule.from.includes(status) ? rule.to : undefined;
}

export function statusesAllowing(action: LifecycleAction): readonly LicenseStatus[] {
  return LIFECYCLE[action].from;
}

/** A license's key is shown only while it is active: a suspended or revoked key must not be handed out. */
export function visibleKey(license: { status: LicenseStatus; key: string | null }): string | null {
  return license.status === 'active' ? license.key : null;
}
