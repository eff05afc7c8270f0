import { Agency } from './agencies/agency.entity';
import { AuthSession, RefreshToken } from './sessions/session.entity';
import { AgencyKey, AgencyKeyGrant, SessionUnlock, UserKey } from './keys/agency-keys.entities';
import { User } from './users/user.entity';

/** The identity tables; AuthModule registers them, the app's data source receives them. */
export const AUTH_ENTITIES: Function[] = [Agency, User, AuthSession, RefreshToken, UserKey, AgencyKey, AgencyKeyGrant, SessionUnlock];
