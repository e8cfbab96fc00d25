package typeddoc

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Mask is what responses show in place of a stored secret. Sending it back
// in a write keeps the stored value.
const Mask = "********"

// MaxSecretLen bounds a secret's plaintext (API keys and tokens are short).
const MaxSecretLen = 4096

// Sealer encrypts secrets for storage and decrypts them for use.
type Sealer interface {
	Seal(plaintext string) (string, error)
	Open(sealed string) (string, error)
}

// eachSecret calls fn for every string secret in a document and stores what
// fn returns in its place. path holds keys and array indexes.
func (s *Schema) eachSecret(doc any, fn func(path []any, value string) (string, error)) error {
	for _, pattern := range s.opts.Secrets {
		if err := walkSecret(doc, pattern, nil, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkSecret(v any, pattern []string, at []any, fn func([]any, string) (string, error)) error {
	seg, rest := pattern[0], pattern[1:]
	visit := func(get func() any, set func(any), key any) error {
		path := append(at[:len(at):len(at)], key)
		if len(rest) > 0 {
			return walkSecret(get(), rest, path, fn)
		}
		s, ok := get().(string)
		if !ok {
			return nil // null, or a wrong type validation reports
		}
		out, err := fn(path, s)
		if err != nil {
			return err
		}
		set(out)
		return nil
	}
	switch seg {
	case "[]":
		a, _ := v.([]any)
		for i := range a {
			if err := visit(func() any { return a[i] }, func(x any) { a[i] = x }, i); err != nil {
				return err
			}
		}
	case "*":
		m, _ := v.(map[string]any)
		for _, k := range sortedKeys(m) {
			if err := visit(func() any { return m[k] }, func(x any) { m[k] = x }, k); err != nil {
				return err
			}
		}
	default:
		m, _ := v.(map[string]any)
		if _, present := m[seg]; !present {
			return nil
		}
		return visit(func() any { return m[seg] }, func(x any) { m[seg] = x }, seg)
	}
	return nil
}

// SealPatch prepares the secrets of an incoming patch, which it owns: the
// mask keeps the stored (already sealed) value of the same secret, a value
// equal to the stored one keeps it too (so unchanged secrets stay
// byte-identical), and anything else is sealed now. Plaintext therefore
// never reaches a merged document. Problems with individual secrets are
// returned as field errors; the error is for sealing failures.
func (s *Schema) SealPatch(patch, stored Document, sealer Sealer) ([]FieldError, error) {
	var problems []FieldError
	err := s.eachSecret(patch, func(path []any, v string) (string, error) {
		kept, _ := s.storedCounterpart(patch, stored, path).(string)
		if v == Mask {
			if kept == "" {
				problems = append(problems, FieldError{Loc: path, Type: "value_error",
					Msg: "no stored secret to keep here; send the secret itself"})
			}
			return kept, nil
		}
		if utf8.RuneCountInString(v) > MaxSecretLen {
			problems = append(problems, FieldError{Loc: path, Type: "value_error",
				Msg: fmt.Sprintf("must be at most %d characters", MaxSecretLen)})
			return "", nil
		}
		if kept != "" {
			if plain, err := sealer.Open(kept); err == nil && plain == v {
				return kept, nil
			}
		}
		sealed, err := sealer.Seal(v)
		if err != nil {
			return "", fmt.Errorf("seal secret: %w", err)
		}
		return sealed, nil
	})
	return problems, err
}

// storedCounterpart finds the stored value a patch path refers to. Array
// elements are matched by their identity fields, not their index.
func (s *Schema) storedCounterpart(patch, stored Document, path []any) any {
	var pv, sv any = patch, stored
	var names []string
	for _, p := range path {
		switch k := p.(type) {
		case string:
			pv = Lookup(pv, []any{k})
			sv = Lookup(sv, []any{k})
			names = append(names, k)
		case int:
			el := Lookup(pv, []any{k})
			pv, sv = el, matchElement(sv, el, s.opts.Identity[strings.Join(names, ".")])
		}
	}
	return sv
}

func matchElement(storedArray, patchElement any, identity []string) any {
	a, _ := storedArray.([]any)
	for _, cand := range a {
		same := len(identity) > 0
		for _, f := range identity {
			if !looseEqual(Lookup(cand, []any{f}), Lookup(patchElement, []any{f})) {
				same = false
				break
			}
		}
		if same {
			return cand
		}
	}
	return nil
}

// looseEqual compares identity values, treating missing and null alike.
func looseEqual(a, b any) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// EachTypedSecret is eachSecret over a typed value (a pointer to the
// schema's type): fn replaces every non-null secret string.
func (s *Schema) EachTypedSecret(v any, fn func(string) (string, error)) error {
	for _, pattern := range s.opts.Secrets {
		if err := walkTyped(reflect.ValueOf(v).Elem(), pattern, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkTyped(v reflect.Value, pattern []string, fn func(string) (string, error)) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		if len(pattern) == 0 && v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.String {
			out, err := fn(v.Elem().String())
			if err != nil {
				return err
			}
			v.Set(reflect.ValueOf(&out))
			return nil
		}
		v = v.Elem()
	}
	if len(pattern) == 0 {
		if v.Kind() == reflect.String && v.CanSet() && v.String() != "" {
			out, err := fn(v.String())
			if err != nil {
				return err
			}
			v.SetString(out)
		}
		return nil
	}
	seg, rest := pattern[0], pattern[1:]
	switch {
	case v.Kind() == reflect.Struct:
		f, ok := fieldNamed(v.Type(), seg)
		if !ok {
			panic("typeddoc: secret path segment " + seg + " not in " + v.Type().String())
		}
		return walkTyped(v.Field(f.Index), rest, fn)
	case v.Kind() == reflect.Slice && seg == "[]":
		for i := range v.Len() {
			if err := walkTyped(v.Index(i), rest, fn); err != nil {
				return err
			}
		}
	case v.Kind() == reflect.Map:
		keys := v.MapKeys()
		if seg != "*" {
			keys = []reflect.Value{reflect.ValueOf(seg)}
		}
		for _, k := range keys {
			e := v.MapIndex(k)
			if !e.IsValid() {
				continue
			}
			if len(rest) > 0 {
				if err := walkTyped(e, rest, fn); err != nil {
					return err
				}
				continue
			}
			s, ok := e.Interface().(string)
			if !ok {
				continue
			}
			out, err := fn(s)
			if err != nil {
				return err
			}
			v.SetMapIndex(k, reflect.ValueOf(out).Convert(v.Type().Elem()))
		}
	}
	return nil
}
