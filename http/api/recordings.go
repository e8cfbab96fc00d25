package api

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Recordings reads calls' recording files: *persistence.Store.
type Recordings interface {
	ListRecordings(ctx context.Context, orgID, callID int64) ([]persistence.RecordingRow, error)
	Recording(ctx context.Context, orgID, id int64) (persistence.RecordingRow, error)
}

// RecordingLinks signs links to recording files that work without an API
// key until they expire, for webhook consumers (Burki's public recording
// URLs). The path is under Base; the signature covers id and expiry.
type RecordingLinks struct {
	Base string // the engine's public URL
	Key  []byte // at least 32 random bytes
	TTL  time.Duration
	Now  func() time.Time // time.Now when nil
}

// URL is a signed link to recording id.
func (l *RecordingLinks) URL(id int64) string {
	exp := l.now().Add(l.TTL).Unix()
	return fmt.Sprintf("%s/recordings/%d?expires=%d&signature=%s", strings.TrimSuffix(l.Base, "/"), id, exp, l.sign(id, exp))
}

func (l *RecordingLinks) sign(id, exp int64) string {
	m := hmac.New(sha256.New, l.Key)
	fmt.Fprintf(m, "recording:%d:%d", id, exp)
	return hex.EncodeToString(m.Sum(nil))
}

func (l *RecordingLinks) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

// errBadLink refuses a forged, altered or expired link.
var errBadLink = errors.New("api: bad or expired recording link")

func (l *RecordingLinks) verify(id int64, expires, signature string) error {
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || l.now().Unix() > exp || !hmac.Equal([]byte(signature), []byte(l.sign(id, exp))) {
		return errBadLink
	}
	return nil
}

// recordingResponse is a recording file as listed.
type recordingResponse struct {
	ID            int64     `json:"id"`
	CallID        int64     `json:"call_id"`
	RecordingType string    `json:"recording_type" check:"enum=user|assistant|mixed"`
	Format        string    `json:"format" check:"enum=wav|mp3"`
	SampleRate    int       `json:"sample_rate"`
	Channels      int       `json:"channels"`
	Duration      float64   `json:"duration"` // seconds
	FileSize      int64     `json:"file_size"`
	Status        string    `json:"status"`
	RecordingURL  string    `json:"recording_url"` // the download route: an API key is needed
	CreatedAt     time.Time `json:"created_at"`
}

func (a *API) listRecordings(c *fiber.Ctx) error {
	row, err := a.callOf(c)
	if err != nil {
		return err
	}
	recs, err := a.Recordings.ListRecordings(c.UserContext(), row.OrganizationID, row.ID)
	if err != nil {
		return callFail(err, "Recordings")
	}
	out := make([]recordingResponse, len(recs))
	for i, r := range recs {
		out[i] = recordingResponse{ID: r.ID, CallID: r.CallID, RecordingType: r.Type, Format: r.Format, SampleRate: r.SampleRate,
			Channels: r.Channels, Duration: float64(r.DurationMS) / 1000, FileSize: r.Size, Status: r.Status, CreatedAt: r.CreatedAt,
			RecordingURL: fmt.Sprintf("/api/v1/calls/%d/recordings/%d/download", r.CallID, r.ID)}
	}
	return c.JSON(out)
}

// downloadRecording serves a recording file of the organization's call,
// with byte ranges (for players that seek).
func (a *API) downloadRecording(c *fiber.Ctx) error {
	row, err := a.callOf(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "recording_id")
	if err != nil {
		return err
	}
	rec, err := a.Recordings.Recording(c.UserContext(), row.OrganizationID, id)
	if err != nil || rec.CallID != row.ID {
		return callFail(persistence.ErrNotFound, fmt.Sprintf("Recording %d of call %d", id, row.ID))
	}
	return a.sendRecording(c, rec)
}

// publicRecording serves a recording through a signed link.
func (a *API) publicRecording(c *fiber.Ctx) error {
	id, err := pathID(c, "recording_id")
	if err != nil {
		return err
	}
	if err := a.Links.verify(id, c.Query("expires"), c.Query("signature")); err != nil {
		return server.Detail(fiber.StatusForbidden, "This recording link is invalid or has expired")
	}
	rec, err := a.Recordings.Recording(c.UserContext(), 0, id)
	if err != nil {
		return callFail(err, fmt.Sprintf("Recording %d", id))
	}
	return a.sendRecording(c, rec)
}

// sendRecording sends a file under the recordings root; a path that would
// leave it (a row tampered with in the database) is refused.
func (a *API) sendRecording(c *fiber.Ctx, rec persistence.RecordingRow) error {
	path := filepath.Join(a.RecordingsRoot, filepath.FromSlash(rec.Path))
	if rel, err := filepath.Rel(a.RecordingsRoot, path); err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("api: recording %d: path %q outside the recordings root", rec.ID, rec.Path)
	}
	_, err := os.Stat(path)
	var remote RecordingFile
	if err != nil && a.Nodes != nil { // made on another node
		remote, err = a.Nodes.OpenRecording(rec.Path)
	}
	if err != nil {
		return server.Detail(fiber.StatusNotFound, fmt.Sprintf("The file of recording %d is gone", rec.ID))
	}
	c.Set(fiber.HeaderContentType, map[string]string{"wav": "audio/wav", "mp3": "audio/mpeg"}[rec.Format])
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="recording-%d.%s"`, rec.ID, rec.Format))
	if remote != nil {
		return sendRemote(c, remote)
	}
	return c.SendFile(path)
}

// sendRemote streams a file of another node, with a byte range if asked
// for one, as SendFile does a local file.
func sendRemote(c *fiber.Ctx, f RecordingFile) error {
	size := int(f.Size())
	start, end := 0, size-1
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	if r := c.Get(fiber.HeaderRange); r != "" {
		var err error
		if start, end, err = fasthttp.ParseByteRange([]byte(r), size); err != nil {
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes */%d", size))
			return c.SendStatus(fiber.StatusRequestedRangeNotSatisfiable)
		}
		c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", start, end, size))
		c.Status(fiber.StatusPartialContent)
	}
	n := end - start + 1
	if c.Method() == fiber.MethodHead {
		c.Context().Response.Header.SetContentLength(n)
		return nil
	}
	c.Context().SetBodyStream(bufio.NewReaderSize(io.NewSectionReader(f, int64(start), int64(n)), remoteReadSize), n)
	return nil
}
