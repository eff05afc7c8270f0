import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { NextFunction, Request, Response } from 'express';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Checks HTTP responses against the OpenAPI document: the status must be declared for the
 * operation, the media type must be one it declares, and a JSON body must validate against
 * the declared schema. Object schemas are closed (no undeclared fields): requests already are
 * (forbidNonWhitelisted), and a response field the document does not name is a lie by omission.
 *
 * OpenAPI 3.0 schemas are turned into JSON Schema for ajv: `nullable: true` means "or null"
 * (whatever else the schema says, as most generators read it), `example` is dropped.
 */
export class ResponseContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenAPIObject) {
    this.ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) this.ajv.addFormat(f, true);
    const definitions = Object.fromEntries(
      Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => [name, toJsonSchema(s)]),
    );
    this.ajv.addSchema({ $id: 'openapi', definitions });
  }

  /** Mismatches of one response (empty when it honours the document). */
  check(method: string, routePath: string, status: number, contentType: string | undefined, body: string | undefined): string[] {
    const path = routePath.replace(/:(\w+)/g, '{$1}');
    const op = (this.doc.paths[path] as Record<string, { responses?: Record<string, unknown> }> | undefined)?.[method.toLowerCase()];
    if (!op) return [];
    const where = `${method.toUpperCase()} ${path} → ${status}`;
    const response = op.responses?.[String(status)] as { content?: Record<string, { schema?: unknown }> } | undefined;
    if (!response) return [`${where}: status not declared`];
    const content = response.content;
    const hasBody = body !== undefined && body.length > 0;
    if (!content) return hasBody ? [`${where}: declared without a body, but sent one (${contentType})`] : [];
    if (!hasBody) return [`${where}: declared with a body (${Object.keys(content).join(', ')}), but sent none`];
    const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
    const media = content[mediaType];
    if (!media) return [`${where}: sent ${mediaType || 'no content type'}, declared ${Object.keys(content).join(', ')}`];
    if (!/json$/.test(mediaType) || !media.schema) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${where}: ${mediaType} body is not JSON`];
    }
    // Most responses share a schema ($ref to a DTO or ProblemDetails): compile each once.
    const schema = toJsonSchema(media.schema) as object;
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    if (validate(parsed)) return [];
    return (validate.errors ?? []).map((e) => `${where}: body${e.instancePath} ${e.message ?? ''} ${formatParams(e.params)}`.trim());
  }
}

function formatParams(params: Record<string, unknown>): string {
  const interesting = ['additionalProperty', 'missingProperty', 'allowedValues', 'format', 'type'];
  const parts = interesting.filter((k) => k in params).map((k) => `${k}=${JSON.stringify(params[k])}`);
  return parts.length ? `(${parts.join(' ')})` : '';
}

const DROPPED = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'deprecated', 'nullable']);

/** OpenAPI 3.0 schema object → JSON Schema (draft-07) for ajv. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (DROPPED.has(k)) continue;
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', 'openapi#/definitions/');
    else if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, toJsonSchema(ps)]));
    } else out[k] = toJsonSchema(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return s.nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

/** Problems found by the response check since the last drain (per test file process). */
const mismatches: string[] = [];
let checked = 0;

/** How many responses the middleware has checked in this test file (proves it is wired in). */
export function checkedResponseCount(): number {
  return checked;
}

export function drainContractMismatches(): string[] {
  return mismatches.splice(0, mismatches.length);
}

/**
 * Express middleware (installed before the routes) that checks every response an operation of
 * the document sends. The document is read lazily: it exists only once the app is initialised.
 */
export function responseContractMiddleware(getDoc: () => OpenAPIObject) {
  let contract: ResponseContract | undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      // res.send(object) calls res.json, which calls res.send(string): check that inner call.
      if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
        const route = (req as Request & { route?: { path?: string } }).route?.path;
        // A client that hung up never receives the answer: nothing to hold to the contract.
        if (typeof route === 'string' && !req.socket.destroyed) {
          contract ??= new ResponseContract(getDoc());
          checked++;
          const text = body === undefined ? undefined : Buffer.isBuffer(body) ? body.toString('utf8') : body;
          const contentType = res.getHeader('content-type');
          mismatches.push(...contract.check(req.method, route, res.statusCode, typeof contentType === 'string' ? contentType : undefined, text));
        }
      }
      return send(body);
    };
    next();
  };
}
