// Package server builds the Fiber application every HTTP route of the engine
// is mounted on: timeouts, body limit, panic recovery, request IDs, access
// logs and one JSON error handler that never leaks internals.
package server

import (
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	fiberrecover "github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// Options configure the application.
type Options struct {
	Log       *slog.Logger
	BodyLimit int // bytes; 1 MiB when zero
}

// Error is an error with an HTTP status and a JSON body safe to show clients.
// Handlers return it (or a *fiber.Error); anything else becomes a logged 500.
type Error struct {
	Status int
	Body   any
	Err    error // the cause, logged for 5xx, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return "http status " + strconv.Itoa(e.Status)
}

func (e *Error) Unwrap() error { return e.Err }

// Message is the body of every error but a validation error: Burki's
// {"detail": "..."}.
type Message struct {
	Detail string `json:"detail"`
}

// Detail builds an Error with a Message body.
func Detail(status int, detail string) *Error {
	return &Error{Status: status, Body: Message{Detail: detail}}
}

// New returns the application.
func New(o Options) *fiber.App {
	if o.BodyLimit == 0 {
		o.BodyLimit = 1 << 20
	}
	app := fiber.New(fiber.Config{
		AppName:               "switchboard",
		DisableStartupMessage: true,
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          15 * time.Second,
		IdleTimeout:           60 * time.Second,
		ReadBufferSize:        16 << 10,
		// A request's read buffer goes back to the pool once the request
		// is read, rather than staying with its connection: a media
		// stream's websocket would otherwise hold its upgrade request's
		// 16 KB buffer for the whole call (fasthttp hands a hijacked
		// connection the buffer unless it is released and empty).
		ReduceMemoryUsage: true,
		// A multipart body is parsed by the handler that takes it, after
		// authentication: not by the server before any route runs.
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 errorHandler(o.Log),
	})
	app.Use(fiberrecover.New())
	app.Use(requestid.New())
	app.Use(accessLog(o.Log))
	return app
}

func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var he *Error
		var fe *fiber.Error
		switch {
		case errors.As(err, &he):
			if he.Status >= 500 {
				log.Error("request failed", "request_id", RequestID(c), "method", c.Method(), "path", c.Path(), "status", he.Status, "err", he.Err)
			}
			return c.Status(he.Status).JSON(he.Body)
		case errors.As(err, &fe):
			return c.Status(fe.Code).JSON(Message{Detail: fe.Message})
		default:
			log.Error("request failed", "request_id", RequestID(c), "method", c.Method(), "path", c.Path(), "err", err)
			return c.Status(fiber.StatusInternalServerError).JSON(Message{Detail: "Internal Server Error"})
		}
	}
}

// accessLog logs every request: at Debug when it succeeded, Info for client
// errors, and leaves server errors to the error handler.
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		status := c.Response().StatusCode()
		level := slog.LevelDebug
		if status >= 400 && status < 500 {
			level = slog.LevelInfo
		}
		log.Log(c.UserContext(), level, "request", "request_id", RequestID(c), "method", c.Method(),
			"path", c.Path(), "status", status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
		return nil
	}
}

// RequestID returns the request's ID.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals("requestid").(string)
	return id
}
