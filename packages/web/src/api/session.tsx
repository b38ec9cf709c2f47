/**
 * The session: one API client for the app, the signed-in user, and sign in/up/out. The refresh
 * token is an HttpOnly cookie, so a reload resumes the session by asking the server to refresh
 * it; a refused refresh marks the session expired so the app can send the person to sign in
 * (drafts are kept by the pages in sessionStorage). The access token stays in memory.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";
import {
  cookieSessionHint,
  createApiClient,
  type ApiClient,
} from "./client.ts";
import type { User } from "@stepfault/sdk";
import { createSdk, type Sdk } from "./sdk.ts";

/** Where the session stands. */
export type SessionState =
  | { readonly status: "loading" }
  | { readonly status: "signedOut"; readonly expired: boolean }
  | { readonly status: "signedIn"; readonly user: User };

/** What pages get from `useSession`. */
export interface Session {
  readonly state: SessionState;
  /** The SDK client over the session: every API call goes through it. */
  readonly sdk: Sdk;
  readonly client: ApiClient;
  signIn(email: string, password: string): Promise<void>;
  signUp(
    email: string,
    password: string,
    profile?: { displayName?: string; username?: string },
  ): Promise<void>;
  signOut(): Promise<void>;
  /** Re-reads the signed-in account (after a change). */
  reloadUser(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Provides the session to the app; `client` may be passed by tests. */
export function SessionProvider({
  children,
  client: given,
}: {
  children: ReactNode;
  client?: ApiClient;
}) {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const client = useMemo(
    () =>
      given ??
      createApiClient({
        storage: browserStorage(),
        mayHaveSession: cookieSessionHint,
      }),
    [given],
  );
  const sdk = useMemo(() => createSdk(client), [client]);

  const loadUser = useCallback(async () => {
    const user = await sdk.me();
    setState({ status: "signedIn", user });
  }, [sdk]);

  useEffect(
    () =>
      client.onSessionExpired(() =>
        setState({ status: "signedOut", expired: true }),
      ),
    [client],
  );

  useEffect(() => {
    let live = true;
    const signedOut = () => {
      if (live)
        setState((s) =>
          s.status === "signedOut"
            ? s
            : { status: "signedOut", expired: false },
        );
    };
    // Resume from the refresh cookie; a refused one has already been reported as expired.
    client
      .refresh()
      .then((ok) => (!ok ? signedOut() : live ? loadUser() : undefined))
      .catch(signedOut);
    return () => {
      live = false;
    };
  }, [client, loadUser]);

  const session = useMemo<Session>(
    () => ({
      state,
      sdk,
      client,
      async signIn(email, password) {
        client.setTokens(
          await sdk.auth.login({ email, password }, { session: "cookie" }),
        );
        await loadUser();
      },
      async signUp(email, password, profile = {}) {
        await sdk.auth.register({
          email,
          password,
          ...(profile.displayName ? { displayName: profile.displayName } : {}),
          ...(profile.username ? { username: profile.username } : {}),
        });
        client.setTokens(
          await sdk.auth.login({ email, password }, { session: "cookie" }),
        );
        await loadUser();
      },
      async signOut() {
        await sdk.auth
          .logout(undefined, { session: "cookie" })
          .catch(() => undefined);
        client.clearTokens();
        setState({ status: "signedOut", expired: false });
      },
      reloadUser: loadUser,
    }),
    [state, sdk, client, loadUser],
  );
  return (
    <SessionContext.Provider value={session}>
      {children}
    </SessionContext.Provider>
  );
}

/** The session of the surrounding `SessionProvider`. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("invariant: useSession outside SessionProvider");
  return s;
}
