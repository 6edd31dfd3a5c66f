package layerrisk

/*
#include "layer_risk.h"
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Reason codes and rule ids come from a small, fixed set (the core's codes, the rules
// files' ids), and every record repeats them: intern them, so that a record's reasons cost
// no string allocation. The table is copy-on-write: lookups take no lock.
var (
	interned  atomic.Pointer[map[string]string]
	internMu  sync.Mutex
	maxIntern = 4096
)

func intern(s C.LrStr) string {
	if s.ptr == nil || s.len == 0 {
		return ""
	}
	// A view of the C bytes, valid during this call only: used as a lookup key, never kept.
	view := unsafe.String((*byte)(unsafe.Pointer(s.ptr)), int(s.len))
	if m := interned.Load(); m != nil {
		if v, ok := (*m)[view]; ok {
			return v
		}
	}
	v := string([]byte(view)) // a Go copy
	internMu.Lock()
	defer internMu.Unlock()
	old := interned.Load()
	if old != nil && len(*old) >= maxIntern {
		return v
	}
	next := make(map[string]string, 1+lenOf(old))
	if old != nil {
		for k, x := range *old {
			next[k] = x
		}
	}
	next[v] = v
	interned.Store(&next)
	return v
}

func lenOf(m *map[string]string) int {
	if m == nil {
		return 0
	}
	return len(*m)
}
