import 'reflect-metadata';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

export enum NodeEnv {
  Development = 'development',
  Test = 'test',
  Production = 'production',
}

const toBool = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : value === true || value === 'true' || value === '1';

/**
 * Every environment variable Amani reads. `.env.example` documents each one;
 * the config spec checks the two stay in step.
 */
export class EnvVars {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  @IsInt() @Min(1) @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '127.0.0.1';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://amani_app@127.0.0.1:5432/amani';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_OWNER_URL: string = 'postgres://postgres@127.0.0.1:5432/amani';

  @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  /** How long a request waits for a pooled connection before it answers 503. */
  @IsInt() @Min(100) @Max(60000)
  DATABASE_ACQUIRE_TIMEOUT_MS: number = 3000;

  /** PostgreSQL cancels a statement that runs longer (jobs that need more set their own, per transaction). */
  @IsInt() @Min(100) @Max(3600000)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 30000;

  /** PostgreSQL ends a session that sits idle inside an open transaction this long, releasing its locks. */
  @IsInt() @Min(100) @Max(3600000)
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: number = 15000;

  /** Liveness fails once requests have waited for a connection this long with none handed out. */
  @IsInt() @Min(1000) @Max(3600000)
  DATABASE_POOL_STUCK_MS: number = 20000;

  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  REDIS_PREFIX: string = 'amani';

  /** Secrets (JWT_SECRET, MASTER_KEYS, …) are read and checked by secrets.ts. */
  @IsOptional() @IsString()
  SECRETS_FILE?: string;

  @IsInt() @Min(60) @Max(3600)
  JWT_ACCESS_TTL_SECONDS: number = 900;

  @IsInt() @Min(300) @Max(60 * 60 * 24 * 30)
  JWT_REFRESH_TTL_SECONDS: number = 60 * 60 * 24;

  @Matches(/^\d+(kb|mb)$/, { message: 'must look like 100kb or 1mb' })
  BODY_LIMIT: string = '100kb';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional() @IsString()
  LOG_FILE?: string;

  @IsInt() @Min(1)
  THROTTLE_TTL_SECONDS: number = 60;

  @IsInt() @Min(1)
  THROTTLE_LIMIT: number = 300;

  @IsInt() @Min(1)
  THROTTLE_AUTH_LIMIT: number = 10;

  @IsInt() @Min(1)
  THROTTLE_PUBLIC_LIMIT: number = 20;

  @IsInt() @Min(1) @Max(100)
  LOGIN_MAX_FAILURES: number = 5;

  @IsInt() @Min(1)
  LOGIN_LOCKOUT_SECONDS: number = 300;

  /** Lifetime of an invitation token (new account or credential reset). */
  @IsInt() @Min(1) @Max(720)
  INVITATION_TTL_HOURS: number = 72;

  @Transform(toBool) @IsBoolean()
  TRUST_PROXY: boolean = false;

  @IsInt() @Min(50)
  OUTBOX_POLL_MS: number = 500;

  @IsInt() @Min(50)
  AUDIT_SEQUENCER_MS: number = 1000;

  @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY: number = 4;

  /** Disclosure control: report counts from 1 to this minus one are suppressed (5 at least). */
  @IsInt() @Min(5) @Max(1000)
  REPORT_MIN_CELL_COUNT: number = 5;

  /** SEA: failed receipt attempts from all sources together per THROTTLE_TTL_SECONDS window. */
  @IsInt() @Min(1)
  SEA_RECEIPT_FAILURE_LIMIT: number = 300;

  /** Deadlines: a referral still pending this long notifies the receiving agency's providers. */
  @IsInt() @Min(1) @Max(24 * 90)
  DEADLINE_REFERRAL_ACCEPT_HOURS: number = 48;

  /** Deadlines: an approval request waiting this long notifies the agency's supervisors. */
  @IsInt() @Min(1) @Max(24 * 90)
  DEADLINE_APPROVAL_HOURS: number = 72;

  /** Deadlines: a missed deadline still open this long after its notification goes to the supervisors. */
  @IsInt() @Min(1) @Max(24 * 90)
  DEADLINE_ESCALATION_HOURS: number = 24;

  @Transform(toBool) @IsBoolean()
  RUN_MIGRATIONS: boolean = false;
}
