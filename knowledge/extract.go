package knowledge

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/net/html"
)

// Document types, as the documents table names them.
const (
	TypePDF      = "pdf"
	TypeDOCX     = "docx"
	TypeText     = "txt"
	TypeMarkdown = "markdown"
	TypeHTML     = "html"
)

// Limits of what is taken and processed.
const (
	MaxFileBytes = 20 << 20 // an upload or a fetched page
	MaxPages     = 500      // a PDF's pages
	MaxTextBytes = 4 << 20  // the text extracted from one document
	MaxChunks    = 5000     // the chunks of one document
	maxDOCXPart  = 64 << 20 // word/document.xml once decompressed
)

// Errors of a document's own making: its processing fails for good with
// the error's text as processing_error.
var (
	ErrUnsupported = errors.New("unsupported document type: upload PDF, DOCX, TXT, Markdown or HTML")
	ErrUnreadable  = errors.New("the file cannot be read")
	ErrTooLarge    = errors.New("the document is too large")
	ErrEmpty       = errors.New("the document has no text")
)

// contentTypes are each type's MIME type.
var contentTypes = map[string]string{
	TypePDF:      "application/pdf",
	TypeDOCX:     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	TypeText:     "text/plain",
	TypeMarkdown: "text/markdown",
	TypeHTML:     "text/html",
}

// ContentType is a document type's MIME type.
func ContentType(docType string) string { return contentTypes[docType] }

// DetectType names the format of a file from its name, its declared
// content type and its first bytes; ErrUnsupported when it is none of the
// five. The bytes win over the name where they are unambiguous (a PDF or
// a ZIP container).
func DetectType(filename, contentType string, data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if strings.EqualFold(path.Ext(filename), ".docx") || strings.Contains(contentType, "wordprocessingml") {
			return TypeDOCX, nil
		}
		return "", fmt.Errorf("%w (a ZIP archive that is not named .docx)", ErrUnsupported)
	}
	switch strings.ToLower(path.Ext(filename)) {
	case ".txt", ".text":
		return TypeText, nil
	case ".md", ".markdown":
		return TypeMarkdown, nil
	case ".html", ".htm":
		return TypeHTML, nil
	case ".pdf", ".docx":
		return "", fmt.Errorf("%w: the file is named %s but is not one", ErrUnreadable, path.Ext(filename))
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "text/plain":
		return TypeText, nil
	case "text/markdown", "text/x-markdown":
		return TypeMarkdown, nil
	case "text/html", "application/xhtml+xml":
		return TypeHTML, nil
	}
	return "", fmt.Errorf("%w (%q, %q)", ErrUnsupported, filename, contentType)
}

// Extracted is a document's text.
type Extracted struct {
	Text  string
	Pages int // a PDF's; 0 for formats without pages
}

// Extract reads the text of a document of docType. A malformed file is
// ErrUnreadable, never a panic.
func Extract(docType string, data []byte) (out Extracted, err error) {
	if len(data) > MaxFileBytes {
		return Extracted{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), MaxFileBytes)
	}
	switch docType {
	case TypeText, TypeMarkdown:
		out.Text, err = plain(data)
	case TypeHTML:
		out.Text, err = htmlText(data)
	case TypeDOCX:
		out.Text, err = docxText(data)
	case TypePDF:
		out, err = pdfText(data)
	default:
		return Extracted{}, fmt.Errorf("%w: %q", ErrUnsupported, docType)
	}
	if err != nil {
		return Extracted{}, err
	}
	out.Text = normalise(out.Text)
	switch {
	case len(out.Text) > MaxTextBytes:
		return Extracted{}, fmt.Errorf("%w: %d bytes of text, at most %d", ErrTooLarge, len(out.Text), MaxTextBytes)
	case strings.TrimSpace(out.Text) == "":
		return Extracted{}, ErrEmpty
	}
	return out, nil
}

// plain takes UTF-8 text (a byte-order mark dropped).
func plain(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%w: the text is not UTF-8", ErrUnreadable)
	}
	return string(data), nil
}

// htmlText is the visible text of a page: blocks on their own lines,
// scripts, styles and templates left out.
func htmlText(data []byte) (string, error) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template", "head", "svg":
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && blockElements[n.Data] {
			b.WriteString("\n\n")
		} else if n.Type == html.ElementNode && n.Data == "br" {
			b.WriteString("\n")
		}
	}
	walk(doc)
	return b.String(), nil
}

var blockElements = map[string]bool{"p": true, "div": true, "section": true, "article": true, "li": true, "tr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "table": true, "ul": true, "ol": true,
	"blockquote": true, "pre": true, "header": true, "footer": true, "main": true, "dd": true, "dt": true}

// docxText reads word/document.xml of a DOCX container: runs' text,
// paragraphs on their own lines, tabs and breaks kept.
func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%w: not a DOCX (ZIP) file: %w", ErrUnreadable, err)
	}
	var part *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			part = f
		}
	}
	if part == nil {
		return "", fmt.Errorf("%w: the DOCX has no word/document.xml", ErrUnreadable)
	}
	rc, err := part.Open()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxDOCXPart + 1}
	dec := xml.NewDecoder(lr)
	var b strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return "", fmt.Errorf("%w: the DOCX text is over %d bytes uncompressed", ErrTooLarge, maxDOCXPart)
			}
			return "", fmt.Errorf("%w: %w", ErrUnreadable, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteString("\n\n")
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
		if b.Len() > MaxTextBytes {
			return "", fmt.Errorf("%w: over %d bytes of text", ErrTooLarge, MaxTextBytes)
		}
	}
	return b.String(), nil
}

// pdfText reads each page's text, pages separated by blank lines. The
// PDF reader panics on some malformed files: that is ErrUnreadable.
func pdfText(data []byte) (out Extracted, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = Extracted{}, fmt.Errorf("%w: malformed PDF (%v)", ErrUnreadable, r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Extracted{}, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	pages, err := pageList(r.Trailer().Key("Root").Key("Pages"))
	if err != nil {
		return Extracted{}, err
	}
	var b strings.Builder
	for i, p := range pages {
		rows, err := p.GetTextByRow()
		if err != nil {
			return Extracted{}, fmt.Errorf("%w: page %d: %w", ErrUnreadable, i+1, err)
		}
		for _, row := range rows {
			for j, w := range row.Content {
				if j > 0 && separate(row.Content[j-1], w) {
					b.WriteByte(' ')
				}
				b.WriteString(w.S)
			}
			b.WriteByte('\n')
		}
		b.WriteString("\n")
		if b.Len() > MaxTextBytes {
			return Extracted{}, fmt.Errorf("%w: over %d bytes of text", ErrTooLarge, MaxTextBytes)
		}
	}
	return Extracted{Text: b.String(), Pages: len(pages)}, nil
}

// maxTreeDepth bounds the page tree's depth and a page's chain of parents.
const maxTreeDepth = 32

// pageList collects the pages of a page tree in order. The PDF reader
// follows /Kids and /Parent links without checking for cycles, and loops
// forever on a file whose tree links back to itself: such a tree, or one
// deeper than maxTreeDepth or with more than MaxPages pages, is refused
// here, before the reader walks it.
func pageList(root pdf.Value) ([]pdf.Page, error) {
	var out []pdf.Page
	nodes := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		nodes++
		switch {
		case depth > maxTreeDepth || nodes > 2*MaxPages+maxTreeDepth:
			return fmt.Errorf("%w: the page tree is cyclic or too deep", ErrUnreadable)
		case v.Key("Type").Name() == "Page":
			if len(out) == MaxPages {
				return fmt.Errorf("%w: over %d pages", ErrTooLarge, MaxPages)
			}
			for p, up := v, 0; !p.IsNull() && p.Key("Resources").IsNull(); p, up = p.Key("Parent"), up+1 {
				if up > maxTreeDepth {
					return fmt.Errorf("%w: a page's parents are cyclic or too deep", ErrUnreadable)
				}
			}
			out = append(out, pdf.Page{V: v})
			return nil
		}
		kids := v.Key("Kids")
		for i := range kids.Len() {
			if err := walk(kids.Index(i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// separate tells whether a space belongs between two pieces of text on
// a row: a gap wider than a fifth of the font size where the widths are
// known, else unless the first ends in a space.
func separate(prev, next pdf.Text) bool {
	if strings.HasSuffix(prev.S, " ") || strings.HasPrefix(next.S, " ") {
		return false
	}
	if prev.W > 0 {
		return next.X-(prev.X+prev.W) > 0.2*max(prev.FontSize, 1)
	}
	return true
}

// normalise makes the text valid UTF-8 with \n line ends, runs of spaces
// on a line collapsed and at most one blank line in a row.
func normalise(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
