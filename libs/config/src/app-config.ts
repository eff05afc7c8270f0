import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigError } from './config-error';
import { EnvVars, NodeEnv } from './env.schema';
import { loadSecrets, Secrets } from './secrets';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

export { ConfigError } from './config-error';

/** The typed, validated configuration. Built once at boot; never logged (it holds secrets). */
export interface AppConfig {
  env: NodeEnv;
  isProduction: boolean;
  http: { host: string; port: number; bodyLimit: string; trustProxy: TrustProxy };
  database: {
    url: string;
    ownerUrl: string;
    poolSize: number;
    acquireTimeoutMs: number;
    statementTimeoutMs: number;
    idleInTransactionTimeoutMs: number;
    poolStuckMs: number;
    runMigrations: boolean;
  };
  redis: { url: string; prefix: string };
  auth: {
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    maxFailures: number;
    lockoutSeconds: number;
    invitationTtlHours: number;
  };
  throttle: { ttlSeconds: number; limit: number; authLimit: number; publicLimit: number };
  log: { level: string; file?: string };
  outbox: { pollMs: number };
  audit: { sequencerMs: number };
  worker: { concurrency: number; healthPort: number; scheduleCheckMs: number };
  reporting: { minCellCount: number; statementTimeoutMs: number };
  sea: {
    receiptFailureLimit: number;
    sourceFailureLimit: number;
    sourceFailureLimitUnderAttack: number;
    /** Hours from receipt (complaints carry a date only: counted from the start of that day, UTC). */
    deadlines: { triageHours: number; assistanceHours: number; entityReferralHours: number };
  };
  deadlines: { referralAcceptHours: number; approvalHours: number; escalationHours: number };
  /**
   * Automatic crypto-shredding. Days are counted from the closing date (a case's `closed_at`,
   * a complaint's last status change); null: never shredded automatically.
   */
  retention: {
    warningDays: number;
    caseClosedDays: number | null;
    /** By complaint status (`withdrawn` complaints are shredded when withdrawn, so have none). */
    sea: { received: number | null; assessment: number | null; referred_for_investigation: number | null; closed: number | null };
  };
  attachments: { maxBytes: number };
  web: { host: string; port: number; idleTimeoutSeconds: number; origin: string | null };
  secrets: Secrets;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** A retention period in days; 0 means "keep" (never shredded automatically): an irreversible default must be chosen, not fallen into. */
const keepDays = (days: number): number | null => (days === 0 ? null : days);

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvVars, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(vars, { whitelist: false, forbidUnknownValues: false });
  if (errors.length) {
    throw new ConfigError(
      errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    );
  }
  const secrets = loadSecrets(env, vars.NODE_ENV);
  return Object.freeze({
    env: vars.NODE_ENV,
    isProduction: vars.NODE_ENV === NodeEnv.Production,
    http: { host: vars.HOST, port: vars.PORT, bodyLimit: vars.BODY_LIMIT, trustProxy: parseTrustProxy(vars.TRUST_PROXY) ?? false },
    database: {
      url: vars.DATABASE_URL,
      ownerUrl: vars.DATABASE_OWNER_URL,
      poolSize: vars.DATABASE_POOL_SIZE,
      acquireTimeoutMs: vars.DATABASE_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: vars.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: vars.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      poolStuckMs: vars.DATABASE_POOL_STUCK_MS,
      runMigrations: vars.RUN_MIGRATIONS,
    },
    redis: { url: vars.REDIS_URL, prefix: vars.REDIS_PREFIX },
    auth: {
      accessTtlSeconds: vars.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: vars.JWT_REFRESH_TTL_SECONDS,
      maxFailures: vars.LOGIN_MAX_FAILURES,
      lockoutSeconds: vars.LOGIN_LOCKOUT_SECONDS,
      invitationTtlHours: vars.INVITATION_TTL_HOURS,
    },
    throttle: {
      ttlSeconds: vars.THROTTLE_TTL_SECONDS,
      limit: vars.THROTTLE_LIMIT,
      authLimit: vars.THROTTLE_AUTH_LIMIT,
      publicLimit: vars.THROTTLE_PUBLIC_LIMIT,
    },
    log: { level: vars.LOG_LEVEL, file: vars.LOG_FILE },
    outbox: { pollMs: vars.OUTBOX_POLL_MS },
    audit: { sequencerMs: vars.AUDIT_SEQUENCER_MS },
    worker: { concurrency: vars.WORKER_CONCURRENCY, healthPort: vars.WORKER_HEALTH_PORT, scheduleCheckMs: vars.WORKER_SCHEDULE_CHECK_MS },
    reporting: { minCellCount: vars.REPORT_MIN_CELL_COUNT, statementTimeoutMs: vars.REPORT_STATEMENT_TIMEOUT_MS },
    sea: {
      receiptFailureLimit: vars.SEA_RECEIPT_FAILURE_LIMIT,
      sourceFailureLimit: vars.SEA_RECEIPT_SOURCE_FAILURE_LIMIT,
      sourceFailureLimitUnderAttack: vars.SEA_RECEIPT_SOURCE_FAILURE_LIMIT_UNDER_ATTACK,
      deadlines: {
        triageHours: vars.SEA_TRIAGE_DEADLINE_HOURS,
        assistanceHours: vars.SEA_ASSISTANCE_DEADLINE_HOURS,
        entityReferralHours: vars.SEA_ENTITY_REFERRAL_DEADLINE_HOURS,
      },
    },
    deadlines: {
      referralAcceptHours: vars.DEADLINE_REFERRAL_ACCEPT_HOURS,
      approvalHours: vars.DEADLINE_APPROVAL_HOURS,
      escalationHours: vars.DEADLINE_ESCALATION_HOURS,
    },
    retention: {
      warningDays: vars.RETENTION_WARNING_DAYS,
      caseClosedDays: keepDays(vars.RETENTION_CASE_CLOSED_DAYS),
      sea: {
        received: keepDays(vars.RETENTION_SEA_RECEIVED_DAYS),
        assessment: keepDays(vars.RETENTION_SEA_ASSESSMENT_DAYS),
        referred_for_investigation: keepDays(vars.RETENTION_SEA_REFERRED_FOR_INVESTIGATION_DAYS),
        closed: keepDays(vars.RETENTION_SEA_CLOSED_DAYS),
      },
    },
    attachments: { maxBytes: vars.ATTACHMENT_MAX_BYTES },
    web: { host: vars.WEB_HOST, port: vars.WEB_PORT, idleTimeoutSeconds: vars.WEB_IDLE_TIMEOUT_SECONDS, origin: vars.WEB_ORIGIN ?? null },
    secrets,
  });
}

/**
 * For process entry points: the validated configuration, or a message naming every variable
 * at fault and exit code 78 (EX_CONFIG).
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
}
