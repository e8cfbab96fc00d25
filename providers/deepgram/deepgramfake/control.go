package deepgramfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// control is a client text message: KeepAlive, Finalize, CloseStream (both
// APIs), ForceEndTurn and Configure (Flux).
type control struct {
	Type          string            `json:"type"`
	Thresholds    *configThresholds `json:"thresholds"`
	Keyterms      stringList        `json:"keyterms"`
	LanguageHints *[]string         `json:"language_hints"`
}

// configThresholds are Configure's optional updates; the spec types them
// loosely, so numbers may come quoted.
type configThresholds struct {
	EOT     *number `json:"eot_threshold"`
	Eager   *number `json:"eager_eot_threshold"`
	Timeout *number `json:"eot_timeout_ms"`
}

// number is a JSON number, quoted or not.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return errors.New("not a number")
	}
	*n = number(f)
	return nil
}

// stringList is a string or an array of strings (Flux's keyterms); nil
// when absent.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = append(stringList{}, many...)
	return nil
}

var errControl = errors.New("control message is not a JSON object with a type")

// parseControl reads a client text message.
func parseControl(b []byte) (control, error) {
	var c control
	if err := json.Unmarshal(b, &c); err != nil {
		return control{}, errControl
	}
	if c.Type == "" {
		return control{}, errControl
	}
	return c, nil
}
