package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/assistant"
)

// SoundStore keeps uploaded background sounds: *ambience.Library.
type SoundStore interface {
	Store(ctx context.Context, data []byte) (string, ambience.Info, error)
}

// maxSound is the largest upload taken (the library checks its own limit
// too; this one is what is read from the request at all).
const maxSound = 10 << 20

// soundUploaded answers an upload.
type soundUploaded struct {
	StorageKey string  `json:"storage_key"`
	Format     string  `json:"format" check:"enum=wav|mp3"`
	SampleRate int     `json:"sample_rate"`
	Channels   int     `json:"channels"`
	Duration   float64 `json:"duration"` // seconds
	Size       int     `json:"size"`
}

// uploadSound stores a WAV or MP3 file (multipart field "file") as the
// assistant's background sound and switches it on: its
// tts_settings.background_sound gets the new storage_key.
func (a *API) uploadSound(c *fiber.Ctx) error {
	id, err := pathID(c, "assistant_id")
	if err != nil {
		return err
	}
	p := principal(c)
	if _, err := a.Assistants.Get(c.UserContext(), p.OrganizationID, id); err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return badParam("body", "file", "a WAV or MP3 file is required as the multipart field \"file\"")
	}
	if fh.Size > maxSound {
		return badParam("body", "file", "the file is %d bytes; at most %d are accepted", fh.Size, maxSound)
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("api: open upload: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSound+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("api: read upload: %w", err)
	}
	key, info, err := a.Sounds.Store(c.UserContext(), data)
	if invalidSound(err) {
		return badParam("body", "file", "%s", strings.TrimPrefix(err.Error(), "ambience: "))
	}
	if err != nil {
		return fmt.Errorf("api: store sound: %w", err)
	}
	w, err := assistant.ParseWrite(fmt.Appendf(nil, `{"tts_settings":{"background_sound":{"enabled":true,"storage_key":%q}},
		"change_description":"background sound uploaded"}`, key))
	if err != nil {
		return fmt.Errorf("api: background sound write: %w", err)
	}
	if _, err := a.Assistants.Update(c.UserContext(), p, id, w); err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	return c.Status(fiber.StatusCreated).JSON(soundUploaded{StorageKey: key, Format: info.Format, SampleRate: info.SampleRate,
		Channels: info.Channels, Duration: info.Duration.Round(time.Millisecond).Seconds(), Size: info.Size})
}

// invalidSound tells an upload's own problems (a 422) from the engine's.
func invalidSound(err error) bool {
	for _, e := range []error{ambience.ErrTooLarge, ambience.ErrFormat, ambience.ErrDecode, ambience.ErrUnsupported, ambience.ErrDuration} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
