import { Foundation1764417600000 } from '../../migrations/1764417600000-Foundation';
import { Licenses1764500000000 } from '../../migrations/1764500000000-Licenses';
import { Webhooks1764500100000 } from '../../migrations/1764500100000-Webhooks';
import { Idempotency1764500200000 } from '../../migrations/1764500200000-Idempotency';
import { Installations1764500300000 } from '../../migrations/1764500300000-Installations';
import { Subscriptions1764500400000 } from '../../migrations/1764500400000-Subscriptions';
import { PaymentReferences1764500500000 } from '../../migrations/1764500500000-PaymentReferences';
import { KeyLookupNotEmpty1764500600000 } from '../../migrations/1764500600000-KeyLookupNotEmpty';
import { InstallationTelemetry1764500700000 } from '../../migrations/1764500700000-InstallationTelemetry';
import { ImportedLicenses1764500900000 } from '../../migrations/1764500900000-ImportedLicenses';
import { ApiClientKeys1764500800000 } from '../../migrations/1764500800000-ApiClientKeys';
import { ReleasePackages1764501000000 } from '../../migrations/1764501000000-ReleasePackages';
import { StaffAccounts1764501100000 } from '../../migrations/1764501100000-StaffAccounts';
import { BusinessCalendar1764501200000 } from '../../migrations/1764501200000-BusinessCalendar';
import { InstallationRetention1764501300000 } from '../../migrations/1764501300000-InstallationRetention';
import { ManagerChannels1764501400000 } from '../../migrations/1764501400000-ManagerChannels';

/** Every migration, oldest first. A new file in migrations/ is added here too. */
export const MIGRATIONS = [
  Foundation1764417600000,
  Licenses1764500000000,
  Webhooks1764500100000,
  Idempotency1764500200000,
  Installations1764500300000,
  Subscriptions1764500400000,
  PaymentReferences1764500500000,
  KeyLookupNotEmpty1764500600000,
  InstallationTelemetry1764500700000,
  ApiClientKeys1764500800000,
  ImportedLicenses1764500900000,
  ReleasePackages1764501000000,
  StaffAccounts1764501100000,
  BusinessCalendar1764501200000,
  InstallationRetention1764501300000,
  ManagerChannels1764501400000,
];
