// Package providers picks, for each call, the speech recognition, language
// model and speech synthesis clients an assistant's configuration names,
// with their keys and endpoints, and enforces how many streams each key
// may carry at once.
//
// A key is looked for, in order, in the assistant (stt_settings or
// tts_settings provider_config.api_key, llm_provider_config.api_key or a
// fallback's api_key, then api_keys["<provider>_api_key"]), in its
// organization (provider_keys["<provider>_api_key"], then any
// provider_keys["<provider>_api_key_…"] in name order as spare keys), and
// in the environment (DEEPGRAM_API_KEY, OPENAI_API_KEY, …; see envKeys).
// An endpoint comes from the assistant's base_url, else from
// SWITCHBOARD_<PROVIDER>_BASE_URL, else it is the real service's.
//
// Capacity: every recognition stream and synthesis session holds a slot
// on its key until it closes. An assistant's own key allows stt_limit or
// tts_limit of them, an organization key its concurrency[<provider>], an
// environment key SWITCHBOARD_<PROVIDER>_CONCURRENCY; unset means no
// limit. When a key is full the next key in the order above takes the
// stream (logged); when all are, the stream is refused with
// voice.ErrNoCapacity. Slots are counted per engine node.
package providers
