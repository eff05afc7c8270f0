import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { FieldProblem } from './problem';
import { ValidationProblem } from './domain.exception';

/** Flattens class-validator errors into field paths; never echoes the rejected value. */
export function toFieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      out.push({
        field,
        message: rule === 'whitelistValidation' ? 'is not an accepted field' : message.replace(/^\S+ /, ''),
      });
    }
    if (e.children?.length) out.push(...toFieldProblems(e.children, field));
  }
  return out;
}

/**
 * Whether the DTO's OpenAPI contract lets this property be null. The contract is the one
 * place a DTO says so (`@ApiProperty({ nullable: true })`), so the document and the
 * validation can never disagree about null.
 */
/** Where @nestjs/swagger keeps a property's @ApiProperty options (its DECORATORS.API_MODEL_PROPERTIES). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

export function acceptsNull(dto: object, property: string): boolean {
  const meta = Reflect.getMetadata(API_MODEL_PROPERTIES, Object.getPrototypeOf(dto) as object, property) as { nullable?: unknown } | undefined;
  return meta?.nullable === true;
}

const isDtoInstance = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null;

/**
 * A null is not an absent field: `@IsOptional()` lets both through, and a service that
 * treats "not given" as "leave it" would then dereference null. Every null anywhere in a DTO
 * (nested DTOs and arrays of them included) is refused unless the property is declared
 * nullable, where null means "clear it".
 */
export function undeclaredNulls(dto: unknown, prefix = ''): string[] {
  const out: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}.${i}`));
    else if (isDtoInstance(value)) out.push(...undeclaredNulls(value, path));
  };
  if (!isDtoInstance(dto)) return out;
  for (const [key, value] of Object.entries(dto)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value === null) {
      if (!acceptsNull(dto, key)) out.push(path);
    } else visit(value, path);
  }
  return out;
}

function errorPaths(errors: ValidationError[], prefix = '', out = new Set<string>()): Set<string> {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    out.add(path);
    if (e.children?.length) errorPaths(e.children, path, out);
  }
  return out;
}

/** The global pipe: class-validator's rules, then the null rule on whatever they let through. */
export class AmaniValidationPipe extends ValidationPipe {
  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    const reported = errorPaths(errors);
    const nulls = undeclaredNulls(object).filter((p) => !reported.has(p));
    return [...errors, ...nulls.map((property) => ({ property, constraints: { isNotNull: `${property} must not be null` }, children: [] }))];
  }
}

export function createValidationPipe(): ValidationPipe {
  return new AmaniValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(toFieldProblems(errors)),
  });
}
