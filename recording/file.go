package recording

import (
	"bufio"
	"io"
	"os"
)

// fileBuffer is the write buffer per track: the writer hands encoders 100 ms
// chunks (1.6–19 KB), and buffering them saves most write system calls while
// keeping a call's memory small.
const fileBuffer = 8 << 10

// bufferedFile is a buffered io.WriteSeeker: the WAV and MP3 encoders seek
// back on Close to fix their headers, which bufio.Writer alone cannot do.
type bufferedFile struct {
	f *os.File
	w *bufio.Writer
}

func newBufferedFile(f *os.File) *bufferedFile {
	return &bufferedFile{f: f, w: bufio.NewWriterSize(f, fileBuffer)}
}

func (b *bufferedFile) Write(p []byte) (int, error) { return b.w.Write(p) }

// Seek flushes the buffer first, so the offset is that of the file.
func (b *bufferedFile) Seek(offset int64, whence int) (int64, error) {
	if err := b.w.Flush(); err != nil {
		return 0, err
	}
	return b.f.Seek(offset, whence)
}

// close flushes and closes the file and returns its size.
func (b *bufferedFile) close() (int64, error) {
	err := b.w.Flush()
	var size int64
	if fi, serr := b.f.Stat(); serr == nil {
		size = fi.Size()
	} else if err == nil {
		err = serr
	}
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	return size, err
}

var _ io.WriteSeeker = (*bufferedFile)(nil)
