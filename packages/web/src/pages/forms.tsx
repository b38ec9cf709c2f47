/**
 * The form pieces the account pages share: a labelled text field with an optional hint, and a
 * form that shows its submit button's busy label and the error of its last submission.
 */
import {
  useId,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
} from "react";
import { ErrorAlert, type Submit } from "./ui.tsx";

/** Props of `Field`: an input's own attributes plus its label, value and change handler. */
export interface FieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "value" | "onChange"
> {
  readonly label: ReactNode;
  readonly value: string;
  onChange(value: string): void;
  /** A short help line under the input, announced with it (`aria-describedby`). */
  readonly hint?: ReactNode;
}

/** A labelled input; the hint sits outside the label so the accessible name stays the label. */
export function Field({ label, value, onChange, hint, ...input }: FieldProps) {
  const hintId = useId();
  return (
    <div className="field">
      <label>
        {label}
        <input
          {...input}
          value={value}
          aria-describedby={hint ? hintId : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/** Props of `SubmitForm`. */
export interface SubmitFormProps {
  readonly submit: Submit;
  /** Runs on submit (the default is prevented). */
  onSubmit(): void | Promise<void>;
  /** The button text, and its text while the submission runs. */
  readonly action: string;
  readonly pendingAction: string;
  readonly children: ReactNode;
  /** Accessible name of the form, when a page has several. */
  readonly label?: string;
}

/** A `.form` with its fields, one submit button and the submission's error below. */
export function SubmitForm({
  submit,
  onSubmit,
  action,
  pendingAction,
  children,
  label,
}: SubmitFormProps) {
  const handle = (e: FormEvent) => {
    e.preventDefault();
    void onSubmit();
  };
  return (
    <>
      <form
        onSubmit={handle}
        className="form"
        aria-busy={submit.pending}
        aria-label={label}
      >
        {children}
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? pendingAction : action}
        </button>
      </form>
      <ErrorAlert error={submit.error} />
    </>
  );
}
