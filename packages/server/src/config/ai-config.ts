/** AI assistant settings read from `AI_*` variables (part of the one validated server config). */

/** Which provider protocol the assistant speaks. */
export const AI_PROVIDERS = [
  "openai",
  "anthropic",
  "openai-compatible",
] as const;

/** An AI provider kind. */
export type AiProviderKind = (typeof AI_PROVIDERS)[number];

/** The assistant's configuration; `provider` undefined means not configured (AI endpoints answer 503). */
export interface AiConfig {
  readonly provider: AiProviderKind | undefined;
  /** Base URL (OpenAI style includes `/v1`; Anthropic style does not); undefined = the vendor's default. */
  readonly baseUrl: string | undefined;
  readonly apiKey: string | undefined;
  readonly model: string;
  /** Tokens (in + out) one user may spend per calendar month (UTC); 0 = unlimited. */
  readonly monthlyTokenCap: number;
  /** Timeout of one provider call (the whole streamed answer of one round). */
  readonly timeoutMs: number;
  /** Retries of a call that failed with 429, 5xx or a connection error before any output. */
  readonly maxRetries: number;
  /** First retry delay; later ones grow exponentially with jitter. */
  readonly retryBaseMs: number;
  /** Consecutive failed calls that open the circuit breaker. */
  readonly breakerThreshold: number;
  /** How long the open breaker answers 503 before letting one trial call through. */
  readonly breakerHalfOpenMs: number;
  /** Model rounds (tool calls and QASM repairs) per user message. */
  readonly maxRounds: number;
  /** Times a final answer with a non-compiling QASM block is sent back for repair. */
  readonly qasmRetries: number;
  /** Estimated tokens of project context in the system prompt. */
  readonly contextTokenBudget: number;
  /** Widest circuit the assistant simulates. */
  readonly maxSimQubits: number;
  /** Most shots the assistant simulates. */
  readonly maxSimShots: number;
  /** Largest answer (max_tokens) asked of the model per round. */
  readonly maxOutputTokens: number;
  /** Estimated tokens of earlier conversation replayed to the model (older messages are left out). */
  readonly historyTokenBudget: number;
  /**
   * Lease of a conversation while one message is answered: renewed every third of it while the
   * answer runs, and taken over by the next message once this long has passed without a renewal
   * (the answering process crashed).
   */
  readonly conversationLeaseMs: number;
}

const DEFAULT_MODEL: Record<AiProviderKind, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
  "openai-compatible": "",
};

type Env = Readonly<Record<string, string | undefined>>;
type IntVar = (name: string, def: number, min: number, max: number) => number;

/** Reads the `AI_*` variables; problems are pushed to `errors`, each naming its variable. */
export function loadAiConfig(
  env: Env,
  intVar: IntVar,
  errors: { variable: string; message: string }[],
): AiConfig {
  const rawProvider = env.AI_PROVIDER?.trim() ?? "";
  let provider: AiProviderKind | undefined;
  if (rawProvider !== "") {
    if ((AI_PROVIDERS as readonly string[]).includes(rawProvider))
      provider = rawProvider as AiProviderKind;
    else
      errors.push({
        variable: "AI_PROVIDER",
        message: `AI_PROVIDER must be one of ${AI_PROVIDERS.join(", ")} (got "${rawProvider}")`,
      });
  }
  const baseUrl = env.AI_BASE_URL?.trim() || undefined;
  if (baseUrl !== undefined) {
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== "http:" && u.protocol !== "https:")
        errors.push({
          variable: "AI_BASE_URL",
          message: `AI_BASE_URL must use http: or https: (got "${u.protocol}")`,
        });
    } catch {
      errors.push({
        variable: "AI_BASE_URL",
        message: "AI_BASE_URL is not a valid URL",
      });
    }
  }
  const apiKey = env.AI_API_KEY?.trim() || undefined;
  const model =
    env.AI_MODEL?.trim() || (provider ? DEFAULT_MODEL[provider] : "");
  if (
    (provider === "openai" || provider === "anthropic") &&
    apiKey === undefined
  )
    errors.push({
      variable: "AI_API_KEY",
      message: `AI_API_KEY is required when AI_PROVIDER=${provider}`,
    });
  if (provider === "openai-compatible" && baseUrl === undefined)
    errors.push({
      variable: "AI_BASE_URL",
      message:
        "AI_BASE_URL is required when AI_PROVIDER=openai-compatible (e.g. http://127.0.0.1:11434/v1)",
    });
  if (provider !== undefined && model === "")
    errors.push({
      variable: "AI_MODEL",
      message: `AI_MODEL is required when AI_PROVIDER=${provider}`,
    });
  return {
    provider,
    baseUrl,
    apiKey,
    model,
    monthlyTokenCap: intVar("AI_MONTHLY_TOKEN_CAP", 0, 0, 1_000_000_000_000),
    timeoutMs: intVar("AI_TIMEOUT_MS", 120_000, 100, 3_600_000),
    maxRetries: intVar("AI_MAX_RETRIES", 2, 0, 10),
    retryBaseMs: intVar("AI_RETRY_BASE_MS", 500, 1, 60_000),
    breakerThreshold: intVar("AI_BREAKER_THRESHOLD", 5, 1, 1000),
    breakerHalfOpenMs: intVar("AI_BREAKER_HALF_OPEN_MS", 30_000, 10, 3_600_000),
    maxRounds: intVar("AI_MAX_ROUNDS", 8, 1, 50),
    qasmRetries: intVar("AI_QASM_RETRIES", 2, 0, 10),
    contextTokenBudget: intVar("AI_CONTEXT_TOKEN_BUDGET", 3000, 200, 200_000),
    maxSimQubits: intVar("AI_MAX_SIM_QUBITS", 12, 1, 24),
    maxSimShots: intVar("AI_MAX_SIM_SHOTS", 4096, 1, 100_000),
    maxOutputTokens: intVar("AI_MAX_OUTPUT_TOKENS", 2048, 16, 200_000),
    historyTokenBudget: intVar(
      "AI_HISTORY_TOKEN_BUDGET",
      16_000,
      500,
      2_000_000,
    ),
    conversationLeaseMs: intVar(
      "AI_CONVERSATION_LEASE_MS",
      60_000,
      1000,
      3_600_000,
    ),
  };
}
