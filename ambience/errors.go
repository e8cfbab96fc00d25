package ambience

import "errors"

var (
	// ErrTooLarge is returned for sound data over MaxBytes.
	ErrTooLarge = errors.New("ambience: sound file too large")

	// ErrFormat is returned for data that is neither WAV nor MP3.
	ErrFormat = errors.New("ambience: not a WAV or MP3 file")

	// ErrDecode is returned for a WAV or MP3 file that cannot be decoded.
	ErrDecode = errors.New("ambience: cannot decode sound")

	// ErrUnsupported is returned for a valid file the package cannot play:
	// a sample rate codecs.Resampler does not convert, or an MP3 version
	// the decoder lacks.
	ErrUnsupported = errors.New("ambience: unsupported sound")

	// ErrDuration is returned for a sound shorter than MinDuration or
	// longer than MaxDuration.
	ErrDuration = errors.New("ambience: sound duration out of range")

	// ErrUnknownSound is returned for a storage key that names no built-in
	// and no stored sound.
	ErrUnknownSound = errors.New("ambience: unknown sound")

	// ErrFetch is returned when a sound URL cannot be fetched.
	ErrFetch = errors.New("ambience: cannot fetch sound URL")

	// ErrConfig is returned for an invalid volume, carrier format or
	// library option.
	ErrConfig = errors.New("ambience: invalid configuration")
)
