// Package layerrisk decides whether a backend can trust the identity Plaid Layer returns
// (POST /user_account/session/get), or must step the user up to Identity Match or Identity
// Verification, and says why.
//
// It is a thin shell over layer-risk's Rust core, through its C ABI (bindings/c), linked
// statically with cgo: every decision and every record byte comes from the core, so they
// are exactly what the layer-risk CLI writes.
//
// Build the library first, from the repository root:
//
//	cargo build --release --locked -p layer-risk-c
//
// A [Scorer] is immutable and safe for concurrent use by many goroutines: make one at
// start-up (loading the rules is the costly part) and share it.
package layerrisk

/*
#cgo CFLAGS: -I${SRCDIR}/../c/include
#cgo LDFLAGS: -L${SRCDIR}/../../target/release -l:liblayer_risk_c.a -ldl -lm -lpthread
#include <stdlib.h>
#include "layer_risk.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"
)

// ABIVersion is the version of the C ABI this package was written for. The library's is
// checked when the package is initialised.
const ABIVersion = 1

func init() {
	if v := uint32(C.lr_abi_version()); v != ABIVersion {
		panic("layerrisk: the linked liblayer_risk_c implements C ABI version " +
			strconv.FormatUint(uint64(v), 10) + ", this package needs " + strconv.Itoa(ABIVersion) +
			": rebuild it (cargo build --release --locked -p layer-risk-c)")
	}
}

// Version is the version of the layer-risk library linked in.
func Version() string { return C.GoString(C.lr_version()) }

// Decision is the outcome of a decision.
type Decision string

// The three decisions.
const (
	// Trust: the backend may use the identity as submitted.
	Trust Decision = "trust"
	// IdentityMatch: check the identity against the linked bank accounts (/identity/match).
	IdentityMatch Decision = "identity_match"
	// IdentityVerification: send the user through Identity Verification.
	IdentityVerification Decision = "identity_verification"
)

var decisions = [...]Decision{Trust, IdentityMatch, IdentityVerification}

// Reason is one reason of a decision.
type Reason struct {
	// Code is the stable reason code (edit_rule, ssn_impossible, ...).
	Code string
	// RuleID names the rule that priced it: the edit or match rule's id, or the finding code.
	RuleID string
	// Points is what it added to the score.
	Points uint32
}

// Record is one decision: the fields most callers need, and the record itself.
type Record struct {
	// Decision is the outcome.
	Decision Decision
	// Score is the decision's score.
	Score uint32
	// RequestID is Plaid's request_id as the record has it; "" when it is null (absent, or
	// not shaped like Plaid's ids).
	RequestID string
	// Reasons are the reasons, heaviest first.
	Reasons []Reason
	// JSON is the decision record, byte for byte what `layer-risk score` writes for the same
	// input but without its "line" field and without the newline. Log it, store it for
	// audit: it holds codes and counts, never an identity value.
	JSON []byte
}

// Options say what a [Scorer] decides with.
type Options struct {
	// AsOf is the evaluation day, "YYYY-MM-DD" (required). The library never reads a clock:
	// pass your business's today.
	AsOf string
	// Rules is the path of a rules file, read as the CLI reads --rules (relative to the
	// working directory; named by the path as given in errors). Not with RulesJSON.
	Rules string
	// RulesJSON is the text of a rules file, when you load it yourself.
	RulesJSON []byte
	// RulesName names RulesJSON in error messages (default "rules").
	RulesName string
}

// RulesID is a rule set's identity, as every record carries it.
type RulesID struct {
	Name, Version, SHA256 string
}

// Scorer is a rule set and an evaluation date. It is immutable and safe for concurrent use.
// Close frees it; a Scorer that is never closed is freed when it is garbage collected.
type Scorer struct {
	h     atomic.Pointer[handle]
	rules RulesID
	asOf  string
}

// handle holds the C scorer (a type the atomic can point to: C's LrScorer is incomplete).
type handle struct{ p *C.LrScorer }

// ErrClosed is returned by a Scorer's methods after Close.
var ErrClosed = errors.New("layerrisk: scorer is closed")

// NewScorer makes a scorer. It returns a *RulesError when the rules cannot be read or used,
// and an *ArgumentError for bad options (no AsOf, a date that is not YYYY-MM-DD, both Rules
// and RulesJSON).
func NewScorer(opts Options) (*Scorer, error) {
	if opts.Rules != "" && opts.RulesJSON != nil {
		return nil, &ArgumentError{Message: "Rules and RulesJSON: give one or the other"}
	}
	if opts.RulesName != "" && opts.RulesJSON == nil {
		return nil, &ArgumentError{Message: "RulesName: names RulesJSON in errors; give it with RulesJSON only"}
	}
	for _, f := range [...]struct{ name, value string }{{"AsOf", opts.AsOf}, {"Rules", opts.Rules}, {"RulesName", opts.RulesName}} {
		if strings.IndexByte(f.value, 0) >= 0 {
			return nil, &ArgumentError{Message: f.name + ": contains a NUL byte"}
		}
	}
	o := C.lr_options_new()
	defer C.lr_options_free(o)
	var cerr *C.LrError
	if opts.Rules != "" {
		path := C.CString(opts.Rules)
		defer C.free(unsafe.Pointer(path))
		if C.lr_options_set_rules_file(o, path, &cerr) != C.LR_OK {
			return nil, takeError(cerr)
		}
	} else if opts.RulesJSON != nil {
		var name *C.char
		if opts.RulesName != "" {
			name = C.CString(opts.RulesName)
			defer C.free(unsafe.Pointer(name))
		}
		if C.lr_options_set_rules(o, bytesPtr(opts.RulesJSON), C.size_t(len(opts.RulesJSON)), name, &cerr) != C.LR_OK {
			return nil, takeError(cerr)
		}
	}
	if opts.AsOf == "" {
		return nil, &ArgumentError{Message: "AsOf: required ('YYYY-MM-DD')"}
	}
	date := C.CString(opts.AsOf)
	defer C.free(unsafe.Pointer(date))
	if C.lr_options_set_as_of(o, date, &cerr) != C.LR_OK {
		return nil, takeError(cerr)
	}
	var p *C.LrScorer
	if C.lr_scorer_new(o, &p, &cerr) != C.LR_OK {
		return nil, takeError(cerr)
	}
	s := &Scorer{
		rules: RulesID{
			Name:    C.GoString(C.lr_scorer_rules_name(p)),
			Version: C.GoString(C.lr_scorer_rules_version(p)),
			SHA256:  C.GoString(C.lr_scorer_rules_sha256(p)),
		},
		asOf: C.GoString(C.lr_scorer_as_of(p)),
	}
	s.h.Store(&handle{p})
	runtime.SetFinalizer(s, (*Scorer).Close)
	return s, nil
}

// Rules is the rule set's name, version and SHA-256.
func (s *Scorer) Rules() RulesID { return s.rules }

// AsOf is the evaluation day, "YYYY-MM-DD".
func (s *Scorer) AsOf() string { return s.asOf }

// Close frees the scorer. Call it once no call on the scorer is running; later calls
// return ErrClosed. Closing twice is harmless.
func (s *Scorer) Close() error {
	if h := s.h.Swap(nil); h != nil {
		runtime.SetFinalizer(s, nil)
		C.lr_scorer_free(h.p)
	}
	return nil
}

// Assess decides on one /user_account/session/get response body (or a {"session",
// "applicant"} envelope, as in exports). It returns a *ParseError when the body is not one.
func (s *Scorer) Assess(body []byte) (Record, error) {
	return s.assess(body, nil, false)
}

// AssessWithApplicant decides on a bare response body with what your backend knows of the
// user (its sign-up form): applicant is JSON shaped like the response's identity (name,
// address, phone_number, email, date_of_birth; all optional). The record then carries
// "match" scores. A *ParseError's Path starts with "applicant" when the applicant is at
// fault.
func (s *Scorer) AssessWithApplicant(body, applicant []byte) (Record, error) {
	if applicant == nil {
		applicant = []byte{}
	}
	return s.assess(body, applicant, true)
}

func (s *Scorer) assess(body, applicant []byte, withApplicant bool) (Record, error) {
	h := s.h.Load()
	if h == nil {
		return Record{}, ErrClosed
	}
	var ap *C.uint8_t
	if withApplicant {
		ap = bytesPtrNonNil(applicant)
	}
	var rec *C.LrRecord
	var cerr *C.LrError
	status := C.lr_assess(h.p, bytesPtr(body), C.size_t(len(body)), ap, C.size_t(len(applicant)), &rec, &cerr)
	runtime.KeepAlive(s)
	if status != C.LR_OK {
		return Record{}, takeError(cerr)
	}
	r := toRecord(rec)
	C.lr_record_free(rec)
	return r, nil
}

// ScoreJSONL scores a JSONL export (one response or envelope per line; gzip data is
// decompressed) and returns exactly the bytes `layer-risk score --as-of D --jobs 1` prints
// for it: one record per non-blank line, numbered, in order; lines that are not responses
// get error records. It returns an *InputError for a corrupt or cut gzip stream. It runs on
// the calling goroutine's thread.
func (s *Scorer) ScoreJSONL(data []byte) ([]byte, error) {
	h := s.h.Load()
	if h == nil {
		return nil, ErrClosed
	}
	var out C.LrBytes
	var cerr *C.LrError
	status := C.lr_score_jsonl(h.p, bytesPtr(data), C.size_t(len(data)), &out, &cerr)
	runtime.KeepAlive(s)
	if status != C.LR_OK {
		return nil, takeError(cerr)
	}
	defer C.lr_bytes_free(&out)
	if out.len == 0 {
		return []byte{}, nil
	}
	return C.GoBytes(unsafe.Pointer(out.data), C.int(out.len)), nil
}

// bytesPtr is the first byte of b for C, or nil for an empty slice (the ABI takes NULL with
// length 0 as empty). Go memory passed this way holds no Go pointers, as cgo requires.
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b)))
}

// emptyApplicant stands for an applicant of zero bytes: the ABI reads a NULL applicant as
// "no applicant", so an empty one needs a pointer that is not NULL.
var emptyApplicant = C.CBytes([]byte{0})

func bytesPtrNonNil(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return (*C.uint8_t)(emptyApplicant)
	}
	return bytesPtr(b)
}

func goStr(s C.LrStr) string {
	if s.ptr == nil {
		return ""
	}
	return C.GoStringN(s.ptr, C.int(s.len))
}

func toRecord(rec *C.LrRecord) Record {
	r := Record{
		Score:     uint32(rec.score),
		RequestID: goStr(rec.request_id),
		JSON:      C.GoBytes(unsafe.Pointer(rec.json), C.int(rec.json_len)),
	}
	if d := int(rec.decision); d >= 0 && d < len(decisions) {
		r.Decision = decisions[d]
	}
	if n := int(rec.reasons_len); n > 0 {
		cr := unsafe.Slice(rec.reasons, n)
		r.Reasons = make([]Reason, n)
		for i := range cr {
			r.Reasons[i] = Reason{
				Code:   intern(cr[i].code),
				RuleID: intern(cr[i].rule_id),
				Points: uint32(cr[i].points),
			}
		}
	}
	return r
}
