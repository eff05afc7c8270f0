import { INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ALLOW_MFA_PENDING_KEY, IS_PUBLIC_KEY, ROLES_KEY, Role, ROLES } from '@amani/auth';
import { PROBLEM_CONTENT_TYPE } from '@amani/http';
import { API_PROBLEMS_KEY } from './api-problems.decorator';

/** Who may call an operation: read from the same metadata the JWT and roles guards read. */
export interface OperationAccess {
  public: boolean;
  roles: readonly Role[];
  mfaPending: boolean;
  throttled: boolean;
  declaredProblems: readonly number[];
}

const BEARER = 'bearer';
const PROBLEM_SCHEMA = 'ProblemDetails';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const THROTTLER_SKIP_DEFAULT = 'THROTTLER:SKIPdefault';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid, missing or unknown fields; `errors` names each field.',
  401: 'No valid access token (or, on a public route, the credential presented was refused).',
  403: 'The caller’s role may not call this operation, or its session still needs a second factor.',
  404: 'No such resource within the caller’s scope (another agency’s record looks the same).',
  409: 'Conflict: a stale version, or the resource is in a state that does not allow this.',
  410: 'Gone: the resource existed and has been destroyed.',
  413: 'The request body is larger than the configured limit.',
  415: 'The request body is not in a supported media type or encoding.',
  422: 'The request is well-formed but a business rule refuses it; `code` says which.',
  423: 'A key this needs is not unlocked for this session; `code` says which: `agency_key_locked` (send X-Amani-Unlock, or ask a supervisor for a grant of your agency key) or `sea_key_locked` (send X-Sea-Unlock, or recover the key).',
  429: 'Too many requests from this source; try again later.',
  500: 'An internal error, or a stored record failed its integrity check (fail closed): only a correlation id.',
  503: 'A dependency (database or Redis) is unavailable; retry after `Retry-After` seconds.',
};

/** RFC 9457 problem details, as `toProblem` in @amani/http builds them. */
export const PROBLEM_DETAILS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://amani.example/problems/validation_failed' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', description: 'Stable machine-readable code.', example: 'validation_failed' },
    detail: { type: 'string', description: 'Never contains user input or identifying data.' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'email' }, message: { type: 'string' } },
        additionalProperties: false,
      },
    },
    correlationId: { type: 'string', description: 'Quote it when reporting a problem.' },
  },
  additionalProperties: false,
};

/**
 * The OpenAPI document of the API. Besides what @nestjs/swagger derives from the decorators,
 * every operation states who may call it (`x-roles`, `x-public`, `x-mfa-pending`, its
 * `security`, and a sentence in its description) read from the guards' own metadata, and the
 * problem responses it can give, all with one shared ProblemDetails schema.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Amani API')
    .setDescription(
      'Confidential GBV case management and SEA complaint intake. Every error is ' +
        '`application/problem+json` (RFC 9457). Each operation lists the roles that may call it in `x-roles`.',
    )
    .setVersion('0.1')
    .addBearerAuth(undefined, BEARER)
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => operationId(controllerKey, methodKey),
  });
  const access = operationAccess(app);
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, [PROBLEM_SCHEMA]: PROBLEM_DETAILS_SCHEMA } };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const a = op.operationId ? access.get(op.operationId) : undefined;
      if (!a) throw new Error(`OpenAPI: no route metadata for ${method.toUpperCase()} ${path} (${op.operationId})`);
      describeAccess(op, a);
      addProblems(op, a, path);
    }
  }
  return doc;
}

/** Serves the document at /docs (UI), /docs-json and /docs-yaml. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}

function operationId(controllerKey: string, methodKey: string): string {
  return `${controllerKey}_${methodKey}`;
}

/** Route metadata of every controller handler, keyed by the operation id swagger gives it. */
export function operationAccess(app: INestApplication): Map<string, OperationAccess> {
  const out = new Map<string, OperationAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller || typeof controller !== 'function') continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const read = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
        const isPublic = read<boolean>(IS_PUBLIC_KEY) === true;
        out.set(operationId(controller.name, name), {
          public: isPublic,
          // Without @Roles the roles guard lets every authenticated role through.
          roles: isPublic ? [] : (read<Role[]>(ROLES_KEY) ?? ROLES),
          mfaPending: !isPublic && read<boolean>(ALLOW_MFA_PENDING_KEY) === true,
          throttled: read<boolean>(THROTTLER_SKIP_DEFAULT) !== true,
          declaredProblems: [
            ...((Reflect.getMetadata(API_PROBLEMS_KEY, controller) as number[] | undefined) ?? []),
            ...((Reflect.getMetadata(API_PROBLEMS_KEY, handler) as number[] | undefined) ?? []),
          ],
        });
      }
    }
  }
  return out;
}

function describeAccess(op: OperationObject, a: OperationAccess): void {
  const sentence = a.public
    ? 'Access: public (no access token).'
    : `Access: ${a.roles.length === ROLES.length ? 'every staff role' : `roles ${a.roles.join(', ')}`}` +
      (a.mfaPending ? ', including a session that has not yet given its second factor.' : '.');
  op.description = op.description ? `${op.description}\n\n${sentence}` : sentence;
  op.security = a.public ? [] : [{ [BEARER]: [] }];
  Object.assign(op, { 'x-roles': [...a.roles], 'x-public': a.public, 'x-mfa-pending': a.mfaPending });
}

/** Every route on one case answers 410 once the case is erased (crypto-shredded) to those who could see it. */
const ERASABLE_CASE_PATH = /^\/cases\/\{id\}(\/|$)/;

/** Routes whose records are sealed to agency keys: they open them through the caller's X-Amani-Unlock. */
const AGENCY_KEYED_PATH = /^\/(cases|referrals|transfers|approvals|agency-keys)(\/|$)|^\/users\/\{id\}\/approval$/;

function addProblems(op: OperationObject, a: OperationAccess, path: string): void {
  const keyed = !a.public && AGENCY_KEYED_PATH.test(path);
  if (keyed && !(op.parameters ?? []).some((p) => 'in' in p && p.in === 'header' && p.name === 'X-Amani-Unlock')) {
    op.parameters = [
      ...(op.parameters ?? []),
      {
        name: 'X-Amani-Unlock',
        in: 'header',
        required: false,
        description: 'The `sessionSecrets.keys` value returned at login: your half of this session\'s unlock of your agency key. Without it sealed records stay locked (423).',
        schema: { type: 'string' },
      },
    ];
  }
  const params = op.parameters ?? [];
  const inPath = params.some((p) => 'in' in p && p.in === 'path');
  const hasBody = op.requestBody !== undefined;
  const statuses = new Set<number>(a.declaredProblems);
  if (hasBody || params.length > 0) statuses.add(400);
  if (!a.public) statuses.add(401);
  if (!a.public && !(a.roles.length === ROLES.length && a.mfaPending)) statuses.add(403);
  if (inPath) statuses.add(404);
  if (ERASABLE_CASE_PATH.test(path)) statuses.add(410);
  if (keyed) {
    // 409 agency_key_missing: nothing can be sealed to an agency without a key; 423 agency_key_locked.
    statuses.add(409);
    statuses.add(423);
  }
  if (hasBody) {
    statuses.add(413);
    statuses.add(415);
  }
  if (a.throttled) statuses.add(429);
  statuses.add(500);
  statuses.add(503);
  for (const status of [...statuses].sort((x, y) => x - y)) {
    const key = String(status);
    if (op.responses[key]) continue;
    const response: ResponseObject = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` } } },
    };
    op.responses[key] = response;
  }
}
