package api

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/openapi"
)

// exportFormat is how an export is written.
type exportFormat string

const (
	csvExport  exportFormat = "csv"
	jsonExport exportFormat = "json"
)

// exportFormatParam reads ?format=csv|json (csv when absent, as Burki's
// exports default).
func exportFormatParam(c *fiber.Ctx) (exportFormat, error) {
	switch f := exportFormat(c.Query("format", string(csvExport))); f {
	case csvExport, jsonExport:
		return f, nil
	default:
		return "", badParam("query", "format", "must be csv or json")
	}
}

var formatParam = openapi.QueryParam("format", "csv (a header row, then one row an item) or json (an array).",
	openapi.Schema{"type": "string", "enum": []any{"csv", "json"}, "default": "csv"})

// exportRecord is one item of an export in both formats.
type exportRecord struct {
	json any
	csv  []string
}

// exportPager returns the next records of an export; none when it is done.
type exportPager func(ctx context.Context) ([]exportRecord, error)

// exportTimeout bounds one streamed export.
const exportTimeout = 10 * time.Minute

// sendExport streams an export page by page, so that its size does not
// bound memory. The first page is read before answering, so that an
// unavailable database is a 503; a failure after that truncates the body
// (a CSV without its last rows, a JSON array without its closing bracket)
// and is logged.
func (a *API) sendExport(c *fiber.Ctx, format exportFormat, name string, columns []string, next exportPager) error {
	ctx := context.WithoutCancel(c.UserContext()) // the stream is written after the handler returns
	first, err := next(ctx)
	if err != nil {
		return callFail(err, "Export")
	}
	if format == csvExport {
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	} else {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		ctx, cancel := context.WithTimeout(ctx, exportTimeout)
		defer cancel()
		w := exportWriter{format: format, bw: bw, csv: csv.NewWriter(bw)}
		if err := w.begin(columns); err != nil {
			return
		}
		for batch := first; len(batch) > 0; {
			for _, r := range batch {
				if err := w.write(r); err != nil {
					a.Log.Warn("export: write", "export", name, "err", err)
					return
				}
			}
			if err := w.flush(); err != nil {
				return // the client went away
			}
			if batch, err = next(ctx); err != nil {
				a.Log.Warn("export truncated", "export", name, "err", err)
				return
			}
		}
		_ = w.end()
	})
	return nil
}

// exportWriter writes records in one format.
type exportWriter struct {
	format exportFormat
	bw     *bufio.Writer
	csv    *csv.Writer
	n      int
}

func (w *exportWriter) begin(columns []string) error {
	if w.format == csvExport {
		return w.csv.Write(columns)
	}
	return w.bw.WriteByte('[')
}

func (w *exportWriter) write(r exportRecord) error {
	defer func() { w.n++ }()
	if w.format == csvExport {
		row := make([]string, len(r.csv))
		for i, cell := range r.csv {
			row[i] = inertCell(cell)
		}
		return w.csv.Write(row)
	}
	data, err := json.Marshal(r.json)
	if err != nil {
		return err
	}
	if w.n > 0 {
		if err := w.bw.WriteByte(','); err != nil {
			return err
		}
	}
	_, err = w.bw.Write(data)
	return err
}

func (w *exportWriter) flush() error {
	if w.format == csvExport {
		w.csv.Flush()
		if err := w.csv.Error(); err != nil {
			return err
		}
	}
	return w.bw.Flush()
}

func (w *exportWriter) end() error {
	if w.format == jsonExport {
		if err := w.bw.WriteByte(']'); err != nil {
			return err
		}
	}
	return w.flush()
}

// inertCell keeps a spreadsheet from running a cell as a formula: a cell
// a tenant wrote (an assistant's name) that starts with =, @, a tab or a
// carriage return gets a leading apostrophe. + and - are left alone:
// phone numbers and negative numbers start with them.
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
