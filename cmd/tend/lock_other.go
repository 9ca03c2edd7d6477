//go:build !unix

package main

// holdInUse and lockUnused do nothing where flock(2) is missing: restore
// cannot tell whether Tend has the file open, so stop it first.
func holdInUse(string) (func(), error)  { return func() {}, nil }
func lockUnused(string) (func(), error) { return func() {}, nil }
