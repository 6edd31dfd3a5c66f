package layerrisk

/*
#include <stdlib.h>
#include "layer_risk.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Live holds the scorer a long-running backend decides with, and reloads it (new rules, a
// new day, another scorer) while goroutines use it, without a restart. It is the C ABI's
// LrLive: a reload builds the replacement from the current scorer (the same date and
// shadow or rollout, or the same rules) and swaps only when it loaded, so a broken rules
// file never becomes live: the working scorer stays and the error comes back.
//
// Take the scorer with Current for each request and use it for the whole request: it is
// never changed or freed under you (a reload makes a new one; the replaced one is freed by
// the garbage collector once no goroutine holds it). Current takes no lock and makes no cgo
// call. Safe for concurrent use; reloads are applied one at a time.
type Live struct {
	mu  sync.Mutex // serialises reloads and Close
	h   *C.LrLive
	cur atomic.Pointer[Scorer]
}

// NewLive makes a Live whose first scorer is s (s stays yours: close it when you like; the
// Live holds its own reference).
func NewLive(s *Scorer) (*Live, error) {
	h := s.h.Load()
	if h == nil {
		return nil, ErrClosed
	}
	var live *C.LrLive
	var cerr *C.LrError
	if C.lr_live_new(h.p, &live, &cerr) != C.LR_OK {
		return nil, takeError(cerr)
	}
	l := &Live{h: live}
	l.refresh()
	runtime.SetFinalizer(l, (*Live).Close)
	return l, nil
}

// refresh caches the library's current scorer (called with mu held, after a change).
func (l *Live) refresh() {
	l.cur.Store(wrap(C.lr_live_current(l.h), true))
}

// Current is the scorer now live. Decide with it for one request; Close on it does nothing.
func (l *Live) Current() *Scorer { return l.cur.Load() }

// ReloadRules replaces the live rules with the rules file at path (read as the CLI reads
// --rules), keeping the date and the shadow or rollout. On a *RulesError nothing changes.
func (l *Live) ReloadRules(path string) error {
	if strings.IndexByte(path, 0) >= 0 {
		return &ArgumentError{Message: "path: contains a NUL byte"}
	}
	return l.change(func(h *C.LrLive, cerr **C.LrError) C.int32_t {
		p := C.CString(path)
		defer C.free(unsafe.Pointer(p))
		return C.lr_live_reload_rules_file(h, p, cerr)
	})
}

// ReloadRulesJSON is ReloadRules with a rules file's text, named name in errors ("" for
// "rules").
func (l *Live) ReloadRulesJSON(text []byte, name string) error {
	if strings.IndexByte(name, 0) >= 0 {
		return &ArgumentError{Message: "name: contains a NUL byte"}
	}
	return l.change(func(h *C.LrLive, cerr **C.LrError) C.int32_t {
		var n *C.char
		if name != "" {
			n = C.CString(name)
			defer C.free(unsafe.Pointer(n))
		}
		return C.lr_live_reload_rules(h, bytesPtr(text), C.size_t(len(text)), n, cerr)
	})
}

// SetAsOf moves the live scorer to another evaluation day ("YYYY-MM-DD"), keeping its rules
// and challenger: what a backend does when its day changes. On an *ArgumentError nothing
// changes.
func (l *Live) SetAsOf(date string) error {
	if strings.IndexByte(date, 0) >= 0 {
		return &ArgumentError{Message: "as_of: contains a NUL byte"}
	}
	return l.change(func(h *C.LrLive, cerr **C.LrError) C.int32_t {
		d := C.CString(date)
		defer C.free(unsafe.Pointer(d))
		return C.lr_live_set_as_of(h, d, cerr)
	})
}

// Replace makes s the live scorer (a new shadow, a promoted challenger: a scorer built from
// new Options). s stays yours; the Live holds its own reference.
func (l *Live) Replace(s *Scorer) error {
	h := s.h.Load()
	if h == nil {
		return ErrClosed
	}
	return l.change(func(lh *C.LrLive, cerr **C.LrError) C.int32_t {
		return C.lr_live_replace(lh, h.p, cerr)
	})
}

func (l *Live) change(f func(*C.LrLive, **C.LrError) C.int32_t) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.h == nil {
		return ErrClosed
	}
	var cerr *C.LrError
	if f(l.h, &cerr) != C.LR_OK {
		return takeError(cerr)
	}
	l.refresh()
	return nil
}

// Close frees the Live. Scorers taken from Current stay usable; Current keeps returning the
// last one; reloads return ErrClosed.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.h != nil {
		C.lr_live_free(l.h)
		l.h = nil
	}
	return nil
}
