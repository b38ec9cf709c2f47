/**
 * Administration (the server answers 404 to non-admins): the system's health (database, job
 * queue, workers, storage) and the accounts, searchable, with role changes and disable/enable.
 */
import { useState, type FormEvent } from "react";
import type { SystemHealth, User } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import {
  ErrorAlert,
  Loading,
  NotFound,
  PageTitle,
  useSubmit,
  when,
} from "../ui.tsx";

function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 10 || i === 0 ? 0 : 1)} ${units[i]}`;
}

function ms(v: number | null): string {
  return v === null ? "" : ` in ${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

/** One card of the health view: a title, ok or not, and its lines. */
function Card({
  title,
  ok,
  lines,
}: {
  title: string;
  ok: boolean;
  lines: readonly string[];
}) {
  return (
    <li className={`health-card ${ok ? "ok" : "bad"}`}>
      <h3>
        {title} <span className="health-state">{ok ? "OK" : "Problem"}</span>
      </h3>
      <ul>
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
    </li>
  );
}

function Health() {
  const { sdk } = useSession();
  const [tick, setTick] = useState(0);
  const health = useAsync<SystemHealth>(() => sdk.admin.health(), String(tick));
  const h = health.data;
  const jobs = h?.queue.jobs ?? {};
  return (
    <section aria-labelledby="health-title" className="health">
      <div className="section-head">
        <h2 id="health-title">System health</h2>
        <button
          type="button"
          disabled={health.loading}
          onClick={() => setTick((t) => t + 1)}
        >
          {health.loading ? "Checking…" : "Check again"}
        </button>
      </div>
      <ErrorAlert error={health.error} />
      {h && (
        <>
          <ul className="health-cards" aria-label="System health">
            <Card
              title="Database"
              ok={h.database.ok && h.database.migrated}
              lines={[
                `${h.database.engine === "pglite" ? "Embedded (PGlite)" : "PostgreSQL"}${h.database.ok ? `, answered${ms(h.database.latencyMs)}` : ""}`,
                h.database.error ??
                  (h.database.migrated
                    ? "Schema up to date"
                    : "Migrations pending"),
              ]}
            />
            <Card
              title="Job queue"
              ok={h.queue.depth >= 0}
              lines={[
                `${h.queue.depth} waiting in the queue`,
                `${jobs.queued ?? 0} queued, ${jobs.running ?? 0} running`,
                `${jobs.succeeded ?? 0} succeeded, ${jobs.failed ?? 0} failed, ${jobs.cancelled ?? 0} cancelled`,
              ]}
            />
            <Card
              title="Workers"
              ok={h.workers.stale === 0}
              lines={[
                h.workers.inProcess
                  ? `This server runs a worker with ${h.workers.threads} thread${h.workers.threads === 1 ? "" : "s"}`
                  : "No worker in this server process (separate workers)",
                `${h.workers.alive} running job${h.workers.alive === 1 ? "" : "s"} with a live worker, ${h.workers.stale} silent`,
                h.workers.lastHeartbeatAt
                  ? `Last heartbeat ${when(h.workers.lastHeartbeatAt)}`
                  : "No job running",
              ]}
            />
            <Card
              title="Storage"
              ok={h.storage.ok}
              lines={[
                `${h.storage.kind === "local" ? "Local folder" : "S3 bucket"}${h.storage.ok ? `, write and read back${ms(h.storage.latencyMs)}` : ""}`,
                h.storage.error ??
                  (h.storage.freeBytes !== null
                    ? `${bytes(h.storage.freeBytes)} free`
                    : "Free space not reported"),
              ]}
            />
          </ul>
          <p className="muted small">Checked {when(h.checkedAt)}.</p>
        </>
      )}
    </section>
  );
}

/** The administration page component. */
export function AdminUsersPage() {
  const { sdk, state, reloadUser } = useSession();
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [typed, setTyped] = useState("");
  const [q, setQ] = useState("");
  const page = useAsync(
    () => sdk.admin.users({ cursor, q: q || undefined }),
    `${q}\n${cursor ?? ""}`,
  );
  const submit = useSubmit();
  const me = state.status === "signedIn" ? state.user : null;
  if (me && me.role !== "admin") return <NotFound what="Page" />;
  const replace = (u: User) =>
    page.setData(
      (old) =>
        old && {
          ...old,
          items: old.items.map((x) => (x.id === u.id ? u : x)),
        },
    );
  const search = (e: FormEvent) => {
    e.preventDefault();
    setCursor(undefined);
    setQ(typed.trim());
  };
  return (
    <section className="page">
      <PageTitle>Administration</PageTitle>
      <Health />
      <section aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <form
          className="inline-form"
          role="search"
          aria-label="Users"
          onSubmit={search}
        >
          <label>
            Search users
            <input
              type="search"
              name="q"
              value={typed}
              placeholder="email, username or name"
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
          <button type="submit">Search</button>
          {q && (
            <button
              type="button"
              onClick={() => {
                setTyped("");
                setQ("");
                setCursor(undefined);
              }}
            >
              Show all
            </button>
          )}
        </form>
        <ErrorAlert error={submit.error} />
        {page.loading && <Loading what="Loading users" />}
        <ErrorAlert error={page.error} />
        {page.data && page.data.items.length === 0 && (
          <p role="status">No user matches “{q}”.</p>
        )}
        {page.data && page.data.items.length > 0 && (
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">
                {q ? `Users matching ${q}` : "All users"}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Username</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((u) => (
                  <tr key={u.id}>
                    <td>
                      {u.displayName}
                      {u.id === me?.id ? " (you)" : ""}
                    </td>
                    <td>@{u.username}</td>
                    <td>{u.email}</td>
                    <td>
                      <select
                        aria-label={`Role of ${u.email}`}
                        value={u.role}
                        disabled={submit.pending}
                        onChange={(e) => {
                          const role = e.target.value as User["role"];
                          void submit.run(async () => {
                            replace(await sdk.admin.setRole(u.id, role));
                            if (u.id === me?.id) await reloadUser();
                          });
                        }}
                      >
                        <option value="user">user</option>
                        <option value="admin">admin</option>
                      </select>
                    </td>
                    <td>
                      {/* The day (the table fits at 1280 px); the moment on hover. */}
                      <time dateTime={u.createdAt} title={when(u.createdAt)}>
                        {new Date(u.createdAt).toLocaleDateString()}
                      </time>
                    </td>
                    <td>{u.disabled ? "disabled" : "active"}</td>
                    <td>
                      {u.id !== me?.id && (
                        <button
                          type="button"
                          className={u.disabled ? "" : "danger"}
                          disabled={submit.pending}
                          aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}
                          onClick={() =>
                            void submit.run(async () =>
                              replace(
                                await sdk.admin.setDisabled(u.id, !u.disabled),
                              ),
                            )
                          }
                        >
                          {u.disabled ? "Enable" : "Disable"}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {page.data?.nextCursor && (
          <button
            type="button"
            onClick={() => setCursor(page.data?.nextCursor ?? undefined)}
          >
            Next page
          </button>
        )}
        {cursor && (
          <button type="button" onClick={() => setCursor(undefined)}>
            First page
          </button>
        )}
      </section>
    </section>
  );
}
