package knowledge_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/knowledge"
	"github.com/switchboard-voice/switchboard/knowledge/knowledgetest"
)

func TestExtractEachFormat(t *testing.T) {
	cases := []struct {
		name, file, contentType string
		data                    []byte
		wantType                string
		want                    []string
		pages                   int
	}{
		{"text", "prices.txt", "", []byte("\xef\xbb\xbfA check-up costs 45 euros.\r\nCleaning: 80 euros."), knowledge.TypeText,
			[]string{"A check-up costs 45 euros.\nCleaning: 80 euros."}, 0},
		{"markdown", "guide.md", "", []byte("# Hours\n\nOpen   Monday to Friday."), knowledge.TypeMarkdown,
			[]string{"# Hours\n\nOpen Monday to Friday."}, 0},
		{"html", "page", "text/html; charset=utf-8", []byte(`<html><head><title>x</title><style>p{}</style></head><body>
			<h1>Hours</h1><p>Open <b>Monday</b> to Friday.</p><script>var secret=1</script><ul><li>Sat 9-1</li></ul></body></html>`),
			knowledge.TypeHTML, []string{"Hours\n\nOpen Monday to Friday.\n\nSat 9-1"}, 0},
		{"docx", "policy.docx", "", knowledgetest.DOCX("Cancel 24 hours ahead.", "A missed visit costs 20 euros & more."),
			knowledge.TypeDOCX, []string{"Cancel 24 hours ahead.\n\nA missed visit costs 20 euros & more."}, 0},
		{"pdf", "guide.pdf", "application/pdf", knowledgetest.PDF("Opening hours\nMonday to Friday 8 to 6", "Emergency line 0800 555 0199"),
			knowledge.TypePDF, []string{"Opening hours", "Monday to Friday 8 to 6", "Emergency line 0800 555 0199"}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ, err := knowledge.DetectType(c.file, c.contentType, c.data)
			if err != nil || typ != c.wantType {
				t.Fatalf("DetectType = %q, %v; want %q", typ, err, c.wantType)
			}
			out, err := knowledge.Extract(typ, c.data)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(out.Text, w) {
					t.Errorf("text %q lacks %q", out.Text, w)
				}
			}
			if strings.Contains(out.Text, "secret") {
				t.Errorf("script text extracted: %q", out.Text)
			}
			if out.Pages != c.pages {
				t.Errorf("pages = %d, want %d", out.Pages, c.pages)
			}
		})
	}
}

func TestExtractRefusesBadFiles(t *testing.T) {
	cases := []struct {
		name, file string
		data       []byte
		want       error
	}{
		{"image", "photo.png", []byte("\x89PNG\r\n\x1a\n...."), knowledge.ErrUnsupported},
		{"zip not docx", "archive.zip", []byte("PK\x03\x04rest"), knowledge.ErrUnsupported},
		{"named pdf", "fake.pdf", []byte("hello"), knowledge.ErrUnreadable},
	}
	for _, c := range cases {
		if _, err := knowledge.DetectType(c.file, "", c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: DetectType err = %v, want %v", c.name, err, c.want)
		}
	}
	bad := []struct {
		name, typ string
		data      []byte
		want      error
	}{
		{"truncated pdf", knowledge.TypePDF, knowledgetest.PDF("hello")[:60], knowledge.ErrUnreadable},
		{"broken docx", knowledge.TypeDOCX, []byte("PK\x03\x04not a zip"), knowledge.ErrUnreadable},
		{"docx without body", knowledge.TypeDOCX, emptyZip(), knowledge.ErrUnreadable},
		{"latin-1 text", knowledge.TypeText, []byte("caf\xe9"), knowledge.ErrUnreadable},
		{"blank", knowledge.TypeText, []byte(" \n\t\n"), knowledge.ErrEmpty},
		{"too large", knowledge.TypeText, make([]byte, knowledge.MaxFileBytes+1), knowledge.ErrTooLarge},
		{"unknown type", "rtf", []byte("x"), knowledge.ErrUnsupported},
	}
	for _, c := range bad {
		if _, err := knowledge.Extract(c.typ, c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// TestExtractRefusesCyclicPDFs: the PDF reader would loop forever on a
// page tree or a chain of parents that links back to itself.
func TestExtractRefusesCyclicPDFs(t *testing.T) {
	pdf := knowledgetest.PDF("Hello", "Two")
	kids := bytes.Replace(pdf, []byte("/Kids [4 0 R"), []byte("/Kids [2 0 R"), 1)
	// the first page (object 4) its own parent, without resources of its
	// own; the lengths stay, so the cross-reference table still holds
	res := []byte("/Resources << /Font << /F1 3 0 R >> >>")
	parent := bytes.Replace(bytes.Replace(pdf, []byte("/Parent 2 0 R"), []byte("/Parent 4 0 R"), 1),
		res, bytes.Repeat([]byte(" "), len(res)), 1)
	if bytes.Equal(kids, pdf) || bytes.Equal(parent, pdf) || len(parent) != len(pdf) {
		t.Fatal("the cycles were not made")
	}
	for name, d := range map[string][]byte{"kids": kids, "parents": parent} {
		done := make(chan error, 1)
		go func() { _, err := knowledge.Extract(knowledge.TypePDF, d); done <- err }()
		select {
		case err := <-done:
			t.Logf("%s: %v", name, err)
			if !errors.Is(err, knowledge.ErrUnreadable) || !strings.Contains(err.Error(), "cyclic") {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: Extract loops", name)
		}
	}
}

func emptyZip() []byte {
	d := knowledgetest.DOCX()
	// a zip with no word/document.xml: rename the part
	return []byte(strings.Replace(string(d), "word/document.xml", "word/documenx.xml", -1))
}

func FuzzExtract(f *testing.F) {
	f.Add("pdf", knowledgetest.PDF("Hello world", "Page two"))
	f.Add("docx", knowledgetest.DOCX("Hello", "world"))
	f.Add("html", []byte("<p>Hello <b>world</b></p><script>x</script>"))
	f.Add("txt", []byte("hello\r\nworld"))
	f.Add("pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	f.Add("pdf", bytes.Replace(knowledgetest.PDF("Hello", "Two"), []byte("/Kids [4 0 R"), []byte("/Kids [2 0 R"), 1))
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		out, err := knowledge.Extract(typ, data)
		if err == nil && strings.TrimSpace(out.Text) == "" {
			t.Fatal("no error and no text")
		}
	})
}
