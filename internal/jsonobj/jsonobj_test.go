package jsonobj

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Each getter reports a field left out, null, valid or invalid, and
// records every problem with its path.
func TestGetters(t *testing.T) {
	var errs Problems
	o := Read(decode(t, `{"s":"abc","long":"abcdef","n":1.5,"i":2.5,"b":true,"null":null,
		"obj":{"e":"x","list":["a",1]},"arr":[{"k":1},2]}`), &errs)
	if s, ok := o.String("s", 1, 5); !ok || *s != "abc" {
		t.Error("s")
	}
	if _, ok := o.String("long", 0, 5); ok {
		t.Error("long accepted")
	}
	if s, ok := o.String("null", 0, 5); !ok || s != nil {
		t.Error("null string")
	}
	if _, ok := o.String("missing", 0, 5); ok {
		t.Error("missing reported sent")
	}
	if f, ok := o.Number("n", 0, 2); !ok || *f != 1.5 {
		t.Error("n")
	}
	if _, ok := o.Int("i", 0, 5); ok {
		t.Error("2.5 taken as an integer")
	}
	if b, ok := o.Bool("b"); !ok || !*b {
		t.Error("b")
	}
	obj, _ := o.Object("obj")
	if _, ok := obj.Enum("e", "y", "z"); ok {
		t.Error("enum accepted x")
	}
	if _, ok := obj.Strings("list", 5, 0, 5); ok {
		t.Error("a number in a string list accepted")
	}
	arr, _ := o.Array("arr", 5)
	if el, ok := o.Element("arr", 0, arr[0]); !ok || el.Path("k") != "arr.0.k" {
		t.Error("element path")
	}
	if _, ok := o.Element("arr", 1, arr[1]); ok {
		t.Error("a number taken as an object")
	}
	o.Unknown("s", "long", "n", "i", "b", "null", "obj")
	var paths []string
	for _, p := range errs.List {
		paths = append(paths, p.Path)
	}
	want := []string{"long", "i", "obj.e", "obj.list.1", "arr.1", "arr"}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("problems at %v, want %v", paths, want)
	}
}

func TestWithDefaults(t *testing.T) {
	doc := decode(t, `{"a":1,"obj":{"x":1},"gone":null}`)
	got := WithDefaults(doc, map[string]any{"a": 2, "b": 3, "obj": map[string]any{"x": 2, "y": 2},
		"gone": map[string]any{"z": 1}})
	want := map[string]any{"a": json.Number("1"), "b": 3, "obj": map[string]any{"x": json.Number("1"), "y": 2}, "gone": nil}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, changed := doc["b"]; changed {
		t.Fatal("the document was changed")
	}
}

func TestPatchSet(t *testing.T) {
	p := Patch{}
	p.Set(1, "a", "b")
	p.Set(2, "a", "c")
	p.Set(nil, "d")
	if !reflect.DeepEqual(map[string]any(p), map[string]any{"a": map[string]any{"b": 1, "c": 2}, "d": nil}) {
		t.Fatalf("%v", p)
	}
}
