// @vitest-environment jsdom
import {
  act,
  cleanup,
  fireEvent,
  render,
  screen,
} from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StepFaultApiError } from "@stepfault/sdk";
import { Field, SubmitForm } from "../src/pages/forms.tsx";
import { useSubmit } from "../src/pages/ui.tsx";

afterEach(cleanup);

function NameForm({ action }: { action: (name: string) => Promise<void> }) {
  const submit = useSubmit();
  const [name, setName] = useState("");
  return (
    <SubmitForm
      submit={submit}
      onSubmit={() => submit.run(() => action(name)).then(() => undefined)}
      action="Save"
      pendingAction="Saving…"
    >
      <Field
        label="Username"
        name="username"
        required
        value={name}
        onChange={setName}
        hint="Letters, digits and hyphens."
      />
    </SubmitForm>
  );
}

describe("Field", () => {
  it("labels its input, passes input attributes and reports the typed value", () => {
    const onChange = vi.fn();
    render(
      <Field
        label="Email"
        type="email"
        name="email"
        value=""
        onChange={onChange}
      />,
    );
    const input = screen.getByLabelText("Email") as HTMLInputElement;
    expect(input.type).toBe("email");
    expect(input.name).toBe("email");
    expect(input.getAttribute("aria-describedby")).toBeNull();
    fireEvent.change(input, { target: { value: "a@b.c" } });
    expect(onChange).toHaveBeenCalledWith("a@b.c");
  });

  it("links the hint with aria-describedby, outside the accessible name", () => {
    render(<NameForm action={async () => undefined} />);
    const input = screen.getByLabelText("Username");
    const hint = screen.getByText("Letters, digits and hyphens.");
    expect(input.getAttribute("aria-describedby")).toBe(hint.id);
    expect(hint.closest("label")).toBeNull();
  });
});

describe("SubmitForm", () => {
  it("submits without reloading, shows the busy label, then the API error as an alert", async () => {
    let fail: (e: Error) => void = () => undefined;
    const action = vi.fn(() => new Promise<void>((_ok, no) => (fail = no)));
    render(<NameForm action={action} />);
    fireEvent.change(screen.getByLabelText("Username"), {
      target: { value: "ada" },
    });
    const form = screen.getByRole("button").closest("form") as HTMLFormElement;
    const event = new Event("submit", { bubbles: true, cancelable: true });
    act(() => {
      form.dispatchEvent(event);
    });
    expect(event.defaultPrevented).toBe(true);
    expect(action).toHaveBeenCalledWith("ada");
    expect(screen.getByRole("button").textContent).toBe("Saving…");
    expect((screen.getByRole("button") as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(form.getAttribute("aria-busy")).toBe("true");
    await act(async () =>
      fail(
        new StepFaultApiError(409, {
          code: "USERNAME_TAKEN",
          title: "Username already taken",
        }),
      ),
    );
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Username already taken",
    );
    expect(screen.getByRole("button").textContent).toBe("Save");
  });
});
