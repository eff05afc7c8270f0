import type { ComponentChildren } from 'preact';
import { DomainException } from '@amani/http';
import type { Translate } from '@amani/html';
import { FieldError } from './page';

/** What a form posted: one string per field, or several for repeated names (checkboxes). */
export type FormValues = Record<string, string | string[]>;
/** Messages per field, already in the user's language. */
export type FormErrors = Record<string, string>;

/** A posted form as values (urlencoded, extended: false), the CSRF token left out. */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

export const one = (values: FormValues, name: string): string => {
  const v = values[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? '') : '';
};
export const many = (values: FormValues, name: string): string[] => {
  const v = values[name];
  return typeof v === 'string' ? (v ? [v] : []) : Array.isArray(v) ? v : [];
};

/** One of the listed codes, or undefined. */
export function codeOf<T extends string>(allowed: readonly T[], v: string): T | undefined {
  return (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
}

/**
 * Field messages from a domain refusal that names its fields (validation, unprocessable):
 * the page shows them next to the fields in the user's language; null when the refusal is
 * not about fields (then the page-level filter answers).
 */
export function domainFieldErrors(e: unknown, t: Translate, known: readonly string[]): FormErrors | null {
  if (!(e instanceof DomainException) || (e.status !== 400 && e.status !== 422) || !e.errors?.length) return null;
  const out: FormErrors = {};
  for (const f of e.errors) {
    const name = known.find((k) => f.field === k || f.field.startsWith(`${k}.`) || f.field.startsWith(`${k}[`)) ?? '_form';
    out[name] = t('common.fieldRejected');
  }
  return out;
}

function described(id: string, error: string | undefined, help: string | undefined): string | undefined {
  const ids = [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

interface FieldProps {
  form: string;
  name: string;
  label: string;
  values: FormValues;
  errors: FormErrors;
  help?: string;
  required?: boolean;
}

/** A field's explanation and its error, under its label or legend, with the ids aria-describedby names. */
function HelpAndError({ id, help, error }: { id: string; help?: string; error?: string }) {
  return (
    <>
      {help && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </>
  );
}

export function TextField(props: FieldProps & { type?: 'text' | 'date' | 'email' | 'number'; maxlength?: number; dir?: 'ltr' | 'auto'; autocomplete?: string }) {
  const id = `${props.form}-${props.name}`;
  const error = props.errors[props.name];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <HelpAndError id={id} help={props.help} error={error} />
      <input
        type={props.type ?? 'text'}
        id={id}
        name={props.name}
        value={one(props.values, props.name)}
        required={props.required}
        maxlength={props.maxlength}
        dir={props.dir}
        autocomplete={props.autocomplete ?? 'off'}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described(id, error, props.help)}
      />
    </div>
  );
}

export function TextArea(props: FieldProps & { maxlength?: number; rows?: number }) {
  const id = `${props.form}-${props.name}`;
  const error = props.errors[props.name];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <HelpAndError id={id} help={props.help} error={error} />
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 3}
        maxlength={props.maxlength}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described(id, error, props.help)}
      >
        {one(props.values, props.name)}
      </textarea>
    </div>
  );
}

export function SelectField(props: FieldProps & { options: readonly (readonly [string, string])[]; empty?: string }) {
  const id = `${props.form}-${props.name}`;
  const error = props.errors[props.name];
  const value = one(props.values, props.name);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <HelpAndError id={id} help={props.help} error={error} />
      <select id={id} name={props.name} required={props.required} aria-invalid={error ? 'true' : undefined} aria-describedby={described(id, error, props.help)}>
        {props.empty !== undefined && <option value="">{props.empty}</option>}
        {props.options.map(([v, label]) => (
          <option value={v} selected={v === value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Several choices: a fieldset of checkboxes sharing one name. */
export function Checkboxes(props: FieldProps & { options: readonly (readonly [string, string])[] }) {
  const id = `${props.form}-${props.name}`;
  const error = props.errors[props.name];
  const chosen = many(props.values, props.name);
  return (
    <fieldset class="choices" aria-describedby={described(id, error, props.help)}>
      <legend>{props.label}</legend>
      <HelpAndError id={id} help={props.help} error={error} />
      {props.options.map(([v, label]) => (
        <div class="choice">
          <input type="checkbox" id={`${id}-${v}`} name={props.name} value={v} checked={chosen.includes(v)} />
          <label for={`${id}-${v}`}>{label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** A yes/no question with its explanation (the GBVIMS classification questions). */
export function YesNo(props: FieldProps & { yes: string; no: string }) {
  const id = `${props.form}-${props.name}`;
  const error = props.errors[props.name];
  const value = one(props.values, props.name);
  return (
    <fieldset class="choices" aria-describedby={described(id, error, props.help)}>
      <legend>{props.label}</legend>
      <HelpAndError id={id} help={props.help} error={error} />
      <div class="choice">
        <input type="radio" id={`${id}-yes`} name={props.name} value="yes" checked={value === 'yes'} required={props.required} />
        <label for={`${id}-yes`}>{props.yes}</label>
      </div>
      <div class="choice">
        <input type="radio" id={`${id}-no`} name={props.name} value="no" checked={value === 'no'} />
        <label for={`${id}-no`}>{props.no}</label>
      </div>
    </fieldset>
  );
}

export function FormAlert({ errors, message }: { errors: FormErrors; message: string }) {
  if (Object.keys(errors).length === 0) return null;
  return (
    <p class="alert" role="alert">
      {message}
      {errors._form ? ` ${errors._form}` : ''}
    </p>
  );
}

export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
