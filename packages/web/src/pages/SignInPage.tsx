/** Sign-in page: the form is ready, submitting waits for the server's auth API. */
import { useState, type FormEvent } from "react";

/** The sign-in page component. */
export function SignInPage() {
  const [message, setMessage] = useState<string | null>(null);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setMessage(
      "Signing in is not available yet: the server's account API has not landed in this build.",
    );
  };
  return (
    <section className="page narrow">
      <h1>Sign in</h1>
      <form onSubmit={onSubmit} className="form">
        <label>
          Email or username
          <input name="login" autoComplete="username" required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
      {message && (
        <p role="alert" className="notice">
          {message}
        </p>
      )}
    </section>
  );
}
