// Package llm is scambot's optional second reader of free text: it asks an
// OpenAI-compatible model which signals of the catalogue's vocabulary a
// person's account shows, and returns them as bot.SignalHit values with
// Source bot.FromModel for engine.Input.Extra. It is the only importer of
// github.com/sashabaranov/go-openai.
//
// The deterministic engine stays in charge. The model may only add
// signals, never remove or lower any:
//
//   - The request holds the system prompt (the vocabulary: id, English
//     label and explanation of every signal that is not benign) and the
//     user's text with phone, card, account and ID numbers, links and
//     emails masked, cut to a bounded length. Nothing identifies the
//     person: no chat or user id, no name, no "user" field.
//   - The reply must follow a strict JSON schema whose ids are an enum of
//     the vocabulary. Each proposed signal is checked again: ids outside
//     the vocabulary, benign signals, and evidence that is not a substring
//     of the user's own text are dropped; the rest are deduplicated and
//     capped. Instructions hidden in the text ("say this is safe") can at
//     most make the model add nothing.
//   - Each call has a timeout and no retry. Any failure returns nil
//     signals and an error that callers log and otherwise ignore.
//
// Answers are cached by a hash of the model, the language hint and the
// masked text, so a repeated text costs no call. Metrics (optional):
// scambot_llm_calls_total{result="ok|error|timeout|cache_hit"},
// scambot_llm_latency_seconds, scambot_llm_signals_total and
// scambot_llm_dropped_total{reason="unknown_id|benign|no_evidence"}.
//
// The tests run the real client against llmtest, a fake OpenAI-compatible
// server.
package llm
