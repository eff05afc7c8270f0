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
  ValidateBy,
} from 'class-validator';
import { parseTrustProxy } from './trust-proxy';

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


  /** `false`, a hop count (1-10), or a comma list of proxy addresses / CIDR ranges (see trust-proxy.ts). */
  @ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseTrustProxy(v) !== undefined,
      defaultMessage: () =>
        'must be false, a hop count from 1 to 10, or a comma list of proxy addresses or CIDR ranges (true is refused: it lets any client choose its address)',
    },
  })
  TRUST_PROXY: string = 'false';

  @IsInt() @Min(50)
  OUTBOX_POLL_MS: number = 500;

  @IsInt() @Min(50)
  AUDIT_SEQUENCER_MS: number = 1000;

  @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY: number = 4;

  /** The worker answers GET /health/live and /health/ready on this port (on HOST); 0 turns it off. */
  @IsInt() @Min(0) @Max(65535)
  WORKER_HEALTH_PORT: number = 0;

  /** How often each worker checks that every job schedule exists in Redis, re-creating missing ones. */
  @IsInt() @Min(500) @Max(3600000)
  WORKER_SCHEDULE_CHECK_MS: number = 5000;

  /** Disclosure control: report counts from 1 to this minus one are suppressed (5 at least). */
  @IsInt() @Min(5) @Max(1000)
  REPORT_MIN_CELL_COUNT: number = 5;

  /** A report's aggregation statements may run this long (instead of DATABASE_STATEMENT_TIMEOUT_MS) before PostgreSQL cancels them. */
  @IsInt() @Min(1000) @Max(86400000)
  REPORT_STATEMENT_TIMEOUT_MS: number = 600000;

  /**
   * SEA: failed receipt attempts from all sources together per THROTTLE_TTL_SECONDS window
   * beyond which the intake is under attack and each source gets the smaller budget below.
   */
  @IsInt() @Min(1)
  SEA_RECEIPT_FAILURE_LIMIT: number = 300;

  /** SEA: failed receipt attempts one source may make per window. */
  @IsInt() @Min(1) @Max(1000)
  SEA_RECEIPT_SOURCE_FAILURE_LIMIT: number = 10;

  /** SEA: the same while the intake is under attack (a complainant's typo or two still gets through). */
  @IsInt() @Min(1) @Max(1000)
  SEA_RECEIPT_SOURCE_FAILURE_LIMIT_UNDER_ATTACK: number = 2;

  /** SEA deadlines: a complaint still `received` (not triaged) this long after receipt is overdue. */
  @IsInt() @Min(1) @Max(24 * 90)
  SEA_TRIAGE_DEADLINE_HOURS: number = 24;

  /** SEA deadlines: a triaged complaint whose victims are not yet referred to assistance this long after receipt is overdue. */
  @IsInt() @Min(1) @Max(24 * 90)
  SEA_ASSISTANCE_DEADLINE_HOURS: number = 72;

  /** SEA deadlines: a complaint not yet referred to the entity concerned this long after receipt is overdue. */
  @IsInt() @Min(1) @Max(24 * 180)
  SEA_ENTITY_REFERRAL_DEADLINE_HOURS: number = 168;

  /** Deadlines: a referral still pending this long notifies the receiving agency's providers. */
  @IsInt() @Min(1) @Max(24 * 90)
  DEADLINE_REFERRAL_ACCEPT_HOURS: number = 48;

  /** Deadlines: an approval request waiting this long notifies the agency's supervisors. */
  @IsInt() @Min(1) @Max(24 * 90)
  DEADLINE_APPROVAL_HOURS: number = 72;

  /** Deadlines: a missed deadline still open this long after its notification goes to the supervisors. */
  @IsInt() @Min(1) @Max(24 * 90)
  DEADLINE_ESCALATION_HOURS: number = 24;

  /**
   * Retention: days before a record's automatic crypto-shredding that the people responsible
   * for it are notified (once per record). A record is never shredded until its warning is this
   * old, so a record found already expired is warned first and shredded this many days later.
   * 0: no warning.
   */
  @IsInt() @Min(0) @Max(365)
  RETENTION_WARNING_DAYS: number = 30;

  /**
   * Retention: days a closed survivor case is kept after its closure before the retention job
   * erases it (reason `retention_expired`). 0 or unset: closed cases are kept until a
   * supervisor erases them — an agency sets this from its own data-protection policy.
   */
  @IsInt() @Min(0) @Max(36500)
  RETENTION_CASE_CLOSED_DAYS: number = 0;

  /** Retention: days a SEA complaint still `received` (never triaged) is kept after receipt. 0: kept. */
  @IsInt() @Min(0) @Max(36500)
  RETENTION_SEA_RECEIVED_DAYS: number = 730;

  /** Retention: days a SEA complaint in `assessment` is kept after its last status change. 0: kept. */
  @IsInt() @Min(0) @Max(36500)
  RETENTION_SEA_ASSESSMENT_DAYS: number = 730;

  /** Retention: days a SEA complaint `referred_for_investigation` is kept after the referral. 0: kept. */
  @IsInt() @Min(0) @Max(36500)
  RETENTION_SEA_REFERRED_FOR_INVESTIGATION_DAYS: number = 1825;

  /** Retention: days a `closed` SEA complaint is kept after closure. 0: kept. */
  @IsInt() @Min(0) @Max(36500)
  RETENTION_SEA_CLOSED_DAYS: number = 365;

  /** Largest case attachment accepted, in bytes (checked while the upload streams in). */
  @IsInt() @Min(1024) @Max(100 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES: number = 10 * 1024 * 1024;

  @Transform(toBool) @IsBoolean()
  RUN_MIGRATIONS: boolean = false;

  /** Staff console (apps/web): its own listener, so it can stay on an internal network. */
  @IsInt() @Min(1) @Max(65535)
  WEB_PORT: number = 3001;

  @IsString()
  WEB_HOST: string = '127.0.0.1';

  /** Staff console: a session unused this long ends (its absolute limit is JWT_REFRESH_TTL_SECONDS). */
  @IsInt() @Min(60) @Max(24 * 3600)
  WEB_IDLE_TIMEOUT_SECONDS: number = 900;

  /** Staff console: the origin browsers see (https://console.example.org); form posts from any other are refused. Unset: the request's own host. */
  @IsOptional() @Matches(/^https?:\/\/[^/]+$/, { message: 'must be an origin like https://console.example.org (no path)' })
  WEB_ORIGIN?: string;
}
