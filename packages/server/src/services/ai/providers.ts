import type { AiConfig } from "../../config/ai-config.ts";
import { AnthropicClient } from "./anthropic.client.ts";
import { OpenAiClient } from "./openai.client.ts";
import type { AiProvider } from "./provider.ts";

/** The provider client for the configured `AI_PROVIDER`, or undefined when none is configured. */
export function createAiProvider(cfg: AiConfig): AiProvider | undefined {
  switch (cfg.provider) {
    case undefined:
      return undefined;
    case "anthropic":
      return new AnthropicClient({
        model: cfg.model,
        apiKey: cfg.apiKey,
        baseUrl: cfg.baseUrl,
        timeoutMs: cfg.timeoutMs,
      });
    case "openai":
    case "openai-compatible":
      return new OpenAiClient({
        kind: cfg.provider,
        model: cfg.model,
        apiKey: cfg.apiKey,
        baseUrl: cfg.baseUrl,
        timeoutMs: cfg.timeoutMs,
      });
  }
}
