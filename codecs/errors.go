package codecs

import "errors"

var (
	// ErrUnsupportedRate is returned for a sample rate a component cannot
	// handle.
	ErrUnsupportedRate = errors.New("codecs: unsupported sample rate")

	// ErrUnsupportedFormat is returned for an audio format (WAV format tag,
	// bit depth, channel count, MP3 bitrate) a component cannot handle.
	ErrUnsupportedFormat = errors.New("codecs: unsupported audio format")

	// ErrOddLength is returned when a byte buffer does not hold a whole
	// number of samples.
	ErrOddLength = errors.New("codecs: buffer length is not a whole number of samples")

	// ErrInvalidConfig is returned by constructors given out-of-range
	// parameters.
	ErrInvalidConfig = errors.New("codecs: invalid configuration")

	// ErrBadHeader is returned when a WAV header is malformed or
	// inconsistent.
	ErrBadHeader = errors.New("codecs: bad WAV header")

	// ErrTruncated is returned when a WAV stream ends before the length its
	// header declares.
	ErrTruncated = errors.New("codecs: truncated WAV data")

	// ErrTooLarge is returned when a WAV file would exceed the 4 GiB RIFF
	// size limit.
	ErrTooLarge = errors.New("codecs: WAV data exceeds the RIFF size limit")

	// ErrClosed is returned when writing to a closed writer or encoder.
	ErrClosed = errors.New("codecs: writer is closed")

	// ErrMP3 is returned when the LAME encoder reports a failure.
	ErrMP3 = errors.New("codecs: MP3 encoder failure")
)
