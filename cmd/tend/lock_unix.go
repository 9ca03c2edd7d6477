//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// holdInUse marks the database file at path as in use until release is
// called, with a shared flock(2) on it: restore takes the lock exclusively
// and so refuses a file that a serve or chat has open. SQLite's own locks
// are fcntl locks, which flock does not touch; the kernel drops ours when
// the process dies, even by SIGKILL.
func holdInUse(path string) (release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is being restored; try again when that is done", path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// lockUnused takes path's lock exclusively, failing with errInUse when a
// Tend process has the file open; missing files are not in use.
func lockUnused(path string) (release func(), err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errInUse
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
