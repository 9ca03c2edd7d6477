// Command tend is Tend, a chat-first CRM assistant: it keeps customer
// relationships in Slack, Telegram or a terminal chat, on one SQLite file.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	_ "time/tzdata" // users' zones resolve even on machines without zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal a second one kills at once, as usual.
		<-ctx.Done()
		stop()
	}()
	tuneGC(os.Getenv)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, errUsage): // the usage has said it
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "tend:", err)
		os.Exit(1)
	}
}

// Garbage collector settings, unless GOGC or GOMEMLIMIT say otherwise.
// Tend's live heap is a few megabytes while one answer allocates about as
// much, so at Go's default the collector ran every two or three answers,
// taking a core of two for a few milliseconds each time: 396 collections
// in one `tend bench` run, 63 with these, and the follow-up answer about
// a fifth quicker at p50. The memory limit keeps a large import's heap in
// bounds all the same.
const (
	gcPercent   = 400
	memoryLimit = 160 << 20
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
