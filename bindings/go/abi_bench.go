//go:build bench

package layerrisk

/*
#include "layer_risk.h"
*/
import "C"

// abiAssess is the bare cgo call under Assess (lr_assess and lr_record_free, no Record
// built): the baseline of BenchmarkOverhead. Only with -tags bench.
func abiAssess(s *Scorer, body []byte) int32 {
	h := s.h.Load()
	var rec *C.LrRecord
	st := C.lr_assess(h.p, bytesPtr(body), C.size_t(len(body)), nil, 0, &rec, nil)
	C.lr_record_free(rec)
	return int32(st)
}
