package typeddoc

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

type testItem struct {
	Name  string            `json:"name" check:"required"`
	Token *string           `json:"token"`
	Tags  map[string]string `json:"tags"`
}

type testDoc struct {
	Title string         `json:"title" check:"required,maxlen=10"`
	Count int            `json:"count" check:"min=1,max=5"`
	Note  *string        `json:"note"`
	Extra map[string]any `json:"extra"`
	Items []testItem     `json:"items"`
}

func testDefaults() testDoc {
	return testDoc{Title: "t", Count: 2, Extra: map[string]any{}, Items: []testItem{}}
}

var testSchema = New(testDefaults, Options{
	Secrets:  [][]string{{"items", "[]", "token"}},
	Identity: map[string][]string{"items": {"name"}},
})

// reversible is a Sealer for tests: visibly sealed, trivially opened.
type reversible struct{}

func (reversible) Seal(s string) (string, error) { return "sealed:" + s, nil }
func (reversible) Open(s string) (string, error) {
	p, ok := strings.CutPrefix(s, "sealed:")
	if !ok {
		return "", errors.New("not sealed")
	}
	return p, nil
}

func doc(t *testing.T, s string) Document {
	t.Helper()
	d, err := DecodeDocument([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMergeSemantics(t *testing.T) {
	base := testSchema.Merge(testSchema.Defaults(), doc(t, `{"note":"n","count":4,"extra":{"a":{"b":1,"c":2}},"items":[{"name":"x"}]}`))
	got := testSchema.Merge(base, doc(t, `{"note":null,"count":null,"extra":{"a":{"b":null,"d":3}}}`))
	var v testDoc
	if err := Decode(got, &v); err != nil {
		t.Fatal(err)
	}
	if v.Note != nil || v.Count != 2 || len(v.Items) != 1 {
		t.Fatalf("null must reset to the default: %+v", v)
	}
	if a := v.Extra["a"].(map[string]any); len(a) != 2 || a["d"] == nil || a["b"] != nil {
		t.Fatalf("free-form objects merge key by key: %v", v.Extra)
	}
	if got := Changed(base, got); !slices.Equal(got, []string{"count", "extra.a.b", "extra.a.d", "note"}) {
		t.Fatalf("changed %v", got)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	d := testSchema.Merge(testSchema.Defaults(), doc(t, `{"title":"much too long","count":9,"bogus":1,"items":[{"tags":{"k":1}}]}`))
	var paths []string
	for _, e := range testSchema.Validate(d) {
		paths = append(paths, e.Path())
	}
	for _, want := range []string{"bogus", "title", "count", "items[0].name", "items[0].tags.k"} {
		if !slices.Contains(paths, want) {
			t.Errorf("no error at %s: %v", want, paths)
		}
	}
}

func TestSecretsSealMaskAndFollowElements(t *testing.T) {
	stored := testSchema.Merge(testSchema.Defaults(), doc(t, `{"items":[{"name":"a","token":"ta"},{"name":"b","token":"tb"}]}`))
	if _, err := testSchema.SealPatch(stored, nil, reversible{}); err != nil {
		t.Fatal(err)
	}
	// reorder, keeping both secrets by mask
	patch := doc(t, `{"items":[{"name":"b","token":"********"},{"name":"a","token":"********"}]}`)
	problems, err := testSchema.SealPatch(patch, stored, reversible{})
	if err != nil || len(problems) != 0 {
		t.Fatal(problems, err)
	}
	merged := testSchema.Merge(stored, patch)
	var v testDoc
	if err := Decode(merged, &v); err != nil {
		t.Fatal(err)
	}
	if *v.Items[0].Token != "sealed:tb" || *v.Items[1].Token != "sealed:ta" {
		t.Fatalf("masked secrets did not follow their elements: %s %s", *v.Items[0].Token, *v.Items[1].Token)
	}
	if err := testSchema.EachTypedSecret(&v, func(string) (string, error) { return Mask, nil }); err != nil || *v.Items[0].Token != Mask {
		t.Fatalf("masking: %v", err)
	}
}

type optionalURLDoc struct {
	Link string `json:"link" check:"url,omitempty"`
}

// omitempty makes an empty string no value: its formats apply to the
// others only.
func TestOmitEmpty(t *testing.T) {
	s := New(func() optionalURLDoc { return optionalURLDoc{} }, Options{})
	for link, ok := range map[string]bool{"": true, "https://a.example": true, "ftp://a.example": false, " ": false} {
		errs := s.Validate(s.Merge(s.Defaults(), Document{"link": link}))
		if (len(errs) == 0) != ok {
			t.Errorf("%q: %v", link, errs)
		}
	}
}
