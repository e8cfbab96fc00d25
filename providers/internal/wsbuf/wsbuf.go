// Package wsbuf sizes the buffers of the websockets the engine dials to its
// recognisers and synthesisers. A call holds one or two of them for its
// whole length, and the library's defaults (a 4 KB read buffer and a 4 KB
// write buffer each, for life) were about 16 KB of every call's memory.
package wsbuf

import (
	"sync"

	"github.com/fasthttp/websocket"
)

// ReadBuffer is the read buffer of a dialled socket, as the carriers'
// media streams have (http/telephony): recognisers' results are well
// under it, and a larger message (a synthesiser's audio) is read past the
// buffer straight into the reader's own.
const ReadBuffer = 1 << 10

// writeBuffers lends the dialled sockets their write buffers (the library's
// default size) only while a message is being written: the writes of all
// calls' sockets share the few buffers that are in use at any moment.
var writeBuffers = &sync.Pool{}

// Set gives d these buffers, unless it chose its own. The shared pool
// holds buffers of the library's default size only, so a dialer with a
// write buffer size of its own keeps its own buffers.
func Set(d *websocket.Dialer) {
	if d.ReadBufferSize == 0 {
		d.ReadBufferSize = ReadBuffer
	}
	if d.WriteBufferPool == nil && d.WriteBufferSize == 0 {
		d.WriteBufferPool = writeBuffers
	}
}
