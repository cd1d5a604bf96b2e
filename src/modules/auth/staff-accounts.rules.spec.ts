import { AccountChange, AccountChangeFacts, judgeAccountChange, samePassword } from './staff-accounts.rules';

const ME = 'admin-me';
const OTHER_ADMIN = 'admin-other';
const STAFF = 'staff-1';

const disable: AccountChange = { kind: 'disable' };
const enable: AccountChange = { kind: 'enable' };
const toStaff: AccountChange = { kind: 'role', role: 'staff' };
const toAdmin: AccountChange = { kind: 'role', role: 'admin' };

type Target = AccountChangeFacts['target'];
const admin = (id: string, disabled = false): Target => ({ id, role: 'admin', disabled });
const staff = (id: string, disabled = false): Target => ({ id, role: 'staff', disabled });

describe('judgeAccountChange', () => {
  it.each<[string, AccountChange, Target, string[], ReturnType<typeof judgeAccountChange>]>([
    ['disabling a staff user', disable, staff(STAFF), [ME], { outcome: 'apply' }],
    ['disabling another admin while I remain', disable, admin(OTHER_ADMIN), [ME, OTHER_ADMIN], { outcome: 'apply' }],
    ['disabling myself', disable, admin(ME), [ME, OTHER_ADMIN], { outcome: 'refused', code: 'CANNOT_DISABLE_SELF' }],
    ['disabling a disabled user', disable, staff(STAFF, true), [ME], { outcome: 'unchanged' }],
    ['disabling a disabled admin', disable, admin(OTHER_ADMIN, true), [ME], { outcome: 'unchanged' }],
    [
      // The actor was disabled meanwhile (the service refuses that first), so the other admin is the last.
      'disabling the last enabled admin',
      disable,
      admin(OTHER_ADMIN),
      [OTHER_ADMIN],
      { outcome: 'refused', code: 'LAST_ACTIVE_ADMIN' },
    ],
    ['enabling a disabled user', enable, staff(STAFF, true), [ME], { outcome: 'apply' }],
    ['enabling a disabled admin', enable, admin(OTHER_ADMIN, true), [ME], { outcome: 'apply' }],
    ['enabling an enabled user', enable, staff(STAFF), [ME], { outcome: 'unchanged' }],
    ['making a staff user an admin', toAdmin, staff(STAFF), [ME], { outcome: 'apply' }],
    ['making a disabled staff user an admin', toAdmin, staff(STAFF, true), [ME], { outcome: 'apply' }],
    ['making another admin staff', toStaff, admin(OTHER_ADMIN), [ME, OTHER_ADMIN], { outcome: 'apply' }],
    ['making myself staff while another admin remains', toStaff, admin(ME), [ME, OTHER_ADMIN], { outcome: 'apply' }],
    [
      'making myself staff as the last admin',
      toStaff,
      admin(ME),
      [ME],
      { outcome: 'refused', code: 'LAST_ACTIVE_ADMIN' },
    ],
    [
      'making a disabled admin staff (not an enabled admin)',
      toStaff,
      admin(OTHER_ADMIN, true),
      [ME],
      { outcome: 'apply' },
    ],
    ['giving a staff user the role staff', toStaff, staff(STAFF), [ME], { outcome: 'unchanged' }],
    ['giving an admin the role admin', toAdmin, admin(ME), [ME], { outcome: 'unchanged' }],
  ])('%s', (_case, change, target, activeAdminIds, verdict) => {
    expect(judgeAccountChange(change, { actorId: ME, target, activeAdminIds })).toEqual(verdict);
  });

  it('never leaves no enabled admin, whatever the change', () => {
    const changes = [disable, enable, toStaff, toAdmin];
    const targets = [admin(ME), admin(OTHER_ADMIN), admin(OTHER_ADMIN, true), staff(STAFF), staff(STAFF, true)];
    const adminSets = [[ME], [OTHER_ADMIN], [ME, OTHER_ADMIN]];
    for (const change of changes) {
      for (const target of targets) {
        for (const ids of adminSets) {
          // Consistent facts: the target is among the enabled admins exactly when it is one.
          const others = ids.filter((id) => id !== target.id);
          const activeAdminIds = target.role === 'admin' && !target.disabled ? [...others, target.id] : others;
          if (activeAdminIds.length === 0) continue;
          const verdict = judgeAccountChange(change, { actorId: ME, target, activeAdminIds });
          if (verdict.outcome !== 'apply') continue;
          const remaining = activeAdminIds.filter((id) => id !== target.id);
          const targetIsAdminAfter =
            change.kind === 'disable'
              ? false
              : change.kind === 'enable'
                ? target.role === 'admin'
                : change.role === 'admin' && !target.disabled;
          expect(remaining.length + (targetIsAdminAfter ? 1 : 0)).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('samePassword', () => {
  it.each([
    ['the same text', 'correct horse', 'correct horse', true],
    ['another text', 'correct horse', 'correct horses', false],
    ['the same after NFKC, as the hash sees it', 'ﬁle password 1', 'file password 1', true],
    ['case matters', 'Correct horse', 'correct horse', false],
  ])('%s', (_case, a, b, same) => {
    expect(samePassword(a, b)).toBe(same);
  });
});
