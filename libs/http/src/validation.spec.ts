import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { ValidationProblem } from './domain.exception';
import { createValidationPipe, undeclaredNulls } from './validation';

class Inner {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() note?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() label?: string;
}

class Outer {
  @ApiPropertyOptional() @IsOptional() @IsString() name?: string;
  @ApiPropertyOptional({ type: Inner, nullable: true }) @IsOptional() @ValidateNested() @Type(() => Inner) inner?: Inner | null;
  @ApiPropertyOptional({ type: [Inner] }) @IsOptional() @ValidateNested({ each: true }) @Type(() => Inner) items?: Inner[];
}

class Child extends Outer {
  @ApiProperty() @IsString() extra: string;
}

describe('the null rule', () => {
  const pipe = createValidationPipe();
  const run = (metatype: new () => object, value: unknown) => pipe.transform(value, { type: 'body', metatype });
  const fieldsOf = async (metatype: new () => object, value: unknown) => {
    try {
      await run(metatype, value);
      return [];
    } catch (e) {
      return (e as ValidationProblem).errors!.map((f) => `${f.field}: ${f.message}`);
    }
  };

  it('refuses null for an optional property not declared nullable, by name', async () => {
    expect(await fieldsOf(Outer, { name: null })).toEqual(['name: must not be null']);
  });

  it('accepts null where the contract declares it nullable', async () => {
    expect(await fieldsOf(Outer, { inner: null })).toEqual([]);
    expect(await fieldsOf(Outer, { inner: { note: null } })).toEqual([]);
  });

  it('follows nested DTOs and arrays of them, and inherited properties', async () => {
    expect(await fieldsOf(Outer, { inner: { label: null }, items: [{ label: 'a' }, { label: null }] })).toEqual([
      'inner.label: must not be null',
      'items.1.label: must not be null',
    ]);
    expect(await fieldsOf(Child, { extra: 'x', name: null })).toEqual(['name: must not be null']);
  });

  it('does not repeat a field class-validator already refused', async () => {
    expect(await fieldsOf(Child, { extra: null })).toEqual(['extra: must be a string']);
  });

  it('ignores plain objects (no contract to read)', () => {
    expect(undeclaredNulls({ a: null })).toEqual([]);
  });
});
