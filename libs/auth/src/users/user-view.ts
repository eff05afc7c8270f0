import type { Role } from '@amani/auth';
import type { User, UserStatus } from './user.entity';

/** What the API shows of a staff account: never the hash, the TOTP secret or counters. */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  agencyId: string | null;
  disabled: boolean;
  mfaEnabled: boolean;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    agencyId: u.agencyId,
    disabled: u.disabledAt !== null,
    mfaEnabled: u.mfaEnabledAt !== null,
    status: u.status,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    version: u.version,
  };
}

export type { Page } from '@amani/http';
