package analysis

import "errors"

// ErrNoAssistant is what Configs returns for an assistant that no longer
// exists: its calls' analyses are skipped.
var ErrNoAssistant = errors.New("analysis: the assistant does not exist")
