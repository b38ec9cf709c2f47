/** API keys: create one (the secret shown once, with a copy button), list, revoke. */
import { useState, type FormEvent } from "react";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { ErrorAlert, Loading, PageTitle, useSubmit, when } from "../ui.tsx";

function NewKey({ name, secret }: { name: string; secret: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <div className="new-key" role="region" aria-label="New API key">
      <p>
        <strong>Key “{name}” created.</strong> Copy it now: it will not be shown
        again.
      </p>
      <div className="key-row">
        <input
          readOnly
          aria-label="New API key"
          className="mono"
          value={secret}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" className="small">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "no"
            ? "The browser refused the clipboard; select the key and copy it."
            : ""}
      </p>
    </div>
  );
}

/** The API keys page component. */
export function ApiKeysPage() {
  const { sdk } = useSession();
  const list = useAsync(() => sdk.account.apiKeys.list(), "keys");
  const submit = useSubmit();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(
    null,
  );
  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    await submit.run(async () => {
      const k = await sdk.account.apiKeys.create(name.trim());
      setCreated({ name: k.name, key: k.key });
      setName("");
      list.setData((old) => [
        {
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          createdAt: k.createdAt,
          lastUsedAt: k.lastUsedAt,
        },
        ...(old ?? []),
      ]);
    });
  };
  const revoke = (id: string, keyName: string) => {
    if (
      !window.confirm(
        `Revoke the key “${keyName}”? Programs using it stop working.`,
      )
    )
      return;
    void submit.run(async () => {
      await sdk.account.apiKeys.revoke(id);
      list.setData((old) => old?.filter((k) => k.id !== id));
    });
  };
  return (
    <section className="page">
      <PageTitle>API keys</PageTitle>
      <p className="muted">
        Use a key as <code>Authorization: Bearer sf_…</code> from the SDK, the
        CLI or any HTTP client.
      </p>
      <form className="inline-form" onSubmit={onCreate}>
        <label>
          Key name
          <input
            name="keyName"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" disabled={submit.pending || !name.trim()}>
          {submit.pending ? "Working…" : "Create key"}
        </button>
      </form>
      {created && <NewKey name={created.name} secret={created.key} />}
      <ErrorAlert error={submit.error} />
      {list.loading && <Loading what="Loading keys" />}
      <ErrorAlert error={list.error} />
      {list.data && list.data.length === 0 && (
        <p className="muted">No API keys.</p>
      )}
      {list.data && list.data.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Your API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="mono">{k.prefix}…</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    disabled={submit.pending}
                    aria-label={`Revoke ${k.name}`}
                    onClick={() => revoke(k.id, k.name)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
