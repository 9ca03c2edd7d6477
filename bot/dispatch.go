package bot

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"sync"
)

// ErrBusy is returned by Dispatcher.Submit when its backlog is full. An
// adapter that gets it should leave the event unacknowledged, so the
// platform delivers it again later, rather than drop it.
var ErrBusy = errors.New("bot: dispatcher busy")

// Dispatcher runs jobs with bounded concurrency, one at a time and in
// order for each key (a chat), so that one chat's messages are answered in
// the order they were sent while a flood cannot start unbounded
// goroutines. Submit never blocks, so a platform's read loop never stalls.
type Dispatcher struct {
	sem     chan struct{} // one slot per running job
	backlog int

	mu      sync.Mutex
	pending int                 // submitted, not finished
	queues  map[string][]func() // per key: jobs waiting, the running one first
	idle    chan struct{}       // closed when pending drops to 0
}

// NewDispatcher runs at most workers jobs at once and holds at most
// backlog jobs (running or waiting).
func NewDispatcher(workers, backlog int) *Dispatcher {
	workers, backlog = max(workers, 1), max(backlog, 1)
	return &Dispatcher{sem: make(chan struct{}, workers), backlog: backlog, queues: map[string][]func(){}}
}

// Submit queues job under key. It returns ErrBusy when the backlog is full.
func (d *Dispatcher) Submit(key string, job func()) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending >= d.backlog {
		return ErrBusy
	}
	d.pending++
	q, running := d.queues[key]
	d.queues[key] = append(q, job)
	if !running {
		go d.drain(key)
	}
	return nil
}

// drain runs key's jobs in order until its queue is empty. There is one
// drain per key with work, so their number is bounded by the backlog.
func (d *Dispatcher) drain(key string) {
	for {
		d.mu.Lock()
		job := d.queues[key][0]
		d.mu.Unlock()

		d.sem <- struct{}{}
		run(job)
		<-d.sem

		d.mu.Lock()
		d.pending--
		if d.pending == 0 && d.idle != nil {
			close(d.idle)
			d.idle = nil
		}
		q := d.queues[key][1:]
		if len(q) == 0 {
			delete(d.queues, key)
			d.mu.Unlock()
			return
		}
		d.queues[key] = q
		d.mu.Unlock()
	}
}

// run runs one job, so that a panic in it (below the handler's own
// Recover: rendering, posting) is logged and the queue goes on instead of
// the process dying.
func run(job func()) {
	defer func() {
		if v := recover(); v != nil {
			slog.Error("bot: dispatched job panicked", "panic", v, "stack", string(debug.Stack()))
		}
	}()
	job()
}

// Wait returns when every submitted job has finished, or with ctx's error
// when ctx ends first. Callers stop submitting before they wait.
func (d *Dispatcher) Wait(ctx context.Context) error {
	d.mu.Lock()
	if d.pending == 0 {
		d.mu.Unlock()
		return nil
	}
	if d.idle == nil {
		d.idle = make(chan struct{})
	}
	idle := d.idle
	d.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
