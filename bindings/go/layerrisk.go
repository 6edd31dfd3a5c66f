// Package layerrisk decides whether a backend can trust the identity Plaid Layer returns
// (POST /user_account/session/get), must step the user up to Identity Match or Identity
// Verification, or must leave the case to a person (manual review), and says why.
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
// start-up (loading the rules is the costly part) and share it. A [Live] holds the scorer a
// long-running backend reloads (new rules, a new day) while goroutines use it.
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

// The four decisions. A later library may add one: treat a Decision this package does not
// name as ManualReview (fail closed); the package itself reports an outcome number it does
// not know as ManualReview.
const (
	// Trust: the backend may use the identity as submitted.
	Trust Decision = "trust"
	// IdentityMatch: check the identity against the linked bank accounts (/identity/match).
	IdentityMatch Decision = "identity_match"
	// IdentityVerification: send the user through Identity Verification.
	IdentityVerification Decision = "identity_verification"
	// ManualReview: terminal; no automatic step-up is left that would settle the doubt (the
	// user already passed Identity Verification and doubts remain, Plaid's own review is
	// pending, an Identity Verification status this release does not know). A person decides.
	ManualReview Decision = "manual_review"
)

var decisions = [...]Decision{Trust, IdentityMatch, IdentityVerification, ManualReview}

// decisionOf is the Decision of an LR_DECISION_* number; one this package does not know
// (a later library's) is ManualReview: fail closed.
func decisionOf(n C.int32_t) Decision {
	if d := int(n); d >= 0 && d < len(decisions) {
		return decisions[d]
	}
	return ManualReview
}

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
	// DecisionID is the record's decision_id: 32 hex digits, a function of the input bytes,
	// the rule set and the date (the same input decided again, by the CLI or any binding,
	// has the same id). Log it to find the record again.
	DecisionID string
	// Arm is the arm of a staged rollout that decided ("control" or "challenger"), or ""
	// when the scorer runs no rollout.
	Arm string
	// Shadow is the shadow's (or the other arm's) decision, or nil when the scorer has no
	// second rule set. The record's "shadow" has its score, reasons and rules too.
	Shadow *Shadow
	// JSON is the decision record, byte for byte what `layer-risk score` writes for the same
	// input but without its "line" field and without the newline. Log it, store it for
	// audit: it holds codes and counts, never an identity value. Reasons there may carry
	// "signal" (the Plaid verdict a rule read) and "settled_by".
	JSON []byte
}

// Shadow is the second rule set's decision on the same input.
type Shadow struct {
	Decision   Decision
	DecisionID string
}

var arms = [...]string{"", "control", "challenger"}

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
	// Shadow is a shadow rule set: every input is decided under it too, and the record
	// carries that decision in "shadow" (layer-risk score --shadow FILE). Not with Rollout.
	Shadow *RulesSource
	// Rollout is a staged rollout: for Rollout.Share of users, chosen by their rollout key
	// (Context.RolloutKey, or an envelope's rollout_key), the challenger decides as the live
	// rules; the record says which Arm decided (layer-risk score --rollout FILE
	// --rollout-share S). Not with Shadow.
	Rollout *Rollout
}

// RulesSource is a rules file: a path (read as the CLI reads it) or its text, named Name in
// errors (default "rules").
type RulesSource struct {
	Path string
	JSON []byte
	Name string
}

// Rollout is a challenger rule set and the share of users (0 to 1) it decides for.
type Rollout struct {
	RulesSource
	Share float64
}

// RulesID is a rule set's identity, as every record carries it.
type RulesID struct {
	Name, Version, SHA256 string
}

// Scorer is a rule set and an evaluation date (and a shadow or rollout challenger, if any).
// It is immutable and safe for concurrent use. Close frees it; a Scorer that is never closed
// is freed when it is garbage collected.
type Scorer struct {
	h          atomic.Pointer[handle]
	rules      RulesID
	challenger RulesID
	mode       string
	share      float64
	asOf       string
	// fromLive: handed out by a Live, which other goroutines may be using: Close leaves it
	// to the garbage collector.
	fromLive bool
}

// handle holds the C scorer (a type the atomic can point to: C's LrScorer is incomplete).
type handle struct{ p *C.LrScorer }

// ErrClosed is returned by a Scorer's methods after Close.
var ErrClosed = errors.New("layerrisk: scorer is closed")

// NewScorer makes a scorer. It returns a *RulesError when a rules file cannot be read or
// used, and an *ArgumentError for bad options (no AsOf, a date that is not YYYY-MM-DD, both
// Rules and RulesJSON, both Shadow and Rollout, a share outside 0 to 1).
func NewScorer(opts Options) (*Scorer, error) {
	if opts.Rules != "" && opts.RulesJSON != nil {
		return nil, &ArgumentError{Message: "Rules and RulesJSON: give one or the other"}
	}
	if opts.RulesName != "" && opts.RulesJSON == nil {
		return nil, &ArgumentError{Message: "RulesName: names RulesJSON in errors; give it with RulesJSON only"}
	}
	if opts.Shadow != nil && opts.Rollout != nil {
		return nil, &ArgumentError{Message: "Shadow and Rollout: give one or the other"}
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
	if opts.Shadow != nil {
		if err := setChallenger(o, "Shadow", *opts.Shadow, -1); err != nil {
			return nil, err
		}
	}
	if opts.Rollout != nil {
		if !(opts.Rollout.Share >= 0 && opts.Rollout.Share <= 1) {
			return nil, &ArgumentError{Message: "Rollout.Share: expected a number from 0 to 1"}
		}
		if err := setChallenger(o, "Rollout", opts.Rollout.RulesSource, opts.Rollout.Share); err != nil {
			return nil, err
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
	return wrap(p, false), nil
}

// setChallenger sets the shadow (share < 0) or rollout rule set of o.
func setChallenger(o *C.LrOptions, field string, src RulesSource, share float64) error {
	if (src.Path == "") == (src.JSON == nil) {
		return &ArgumentError{Message: field + ": give Path or JSON"}
	}
	if strings.IndexByte(src.Path, 0) >= 0 || strings.IndexByte(src.Name, 0) >= 0 {
		return &ArgumentError{Message: field + ": contains a NUL byte"}
	}
	var cerr *C.LrError
	var st C.int32_t
	if src.Path != "" {
		path := C.CString(src.Path)
		defer C.free(unsafe.Pointer(path))
		if share < 0 {
			st = C.lr_options_set_shadow_rules_file(o, path, &cerr)
		} else {
			st = C.lr_options_set_rollout_rules_file(o, path, C.double(share), &cerr)
		}
	} else {
		var name *C.char
		if src.Name != "" {
			name = C.CString(src.Name)
			defer C.free(unsafe.Pointer(name))
		}
		if share < 0 {
			st = C.lr_options_set_shadow_rules(o, bytesPtr(src.JSON), C.size_t(len(src.JSON)), name, &cerr)
		} else {
			st = C.lr_options_set_rollout_rules(o, bytesPtr(src.JSON), C.size_t(len(src.JSON)), name, C.double(share), &cerr)
		}
	}
	if st != C.LR_OK {
		return takeError(cerr)
	}
	return nil
}

// wrap makes the Go Scorer of a C scorer reference (which it owns from then on).
func wrap(p *C.LrScorer, fromLive bool) *Scorer {
	s := &Scorer{
		rules: RulesID{
			Name:    C.GoString(C.lr_scorer_rules_name(p)),
			Version: C.GoString(C.lr_scorer_rules_version(p)),
			SHA256:  C.GoString(C.lr_scorer_rules_sha256(p)),
		},
		asOf:     C.GoString(C.lr_scorer_as_of(p)),
		share:    float64(C.lr_scorer_rollout_share(p)),
		fromLive: fromLive,
	}
	switch C.lr_scorer_challenger_mode(p) {
	case C.LR_CHALLENGER_SHADOW:
		s.mode = "shadow"
	case C.LR_CHALLENGER_ROLLOUT:
		s.mode = "rollout"
	}
	if s.mode != "" {
		s.challenger = RulesID{
			Name:    C.GoString(C.lr_scorer_challenger_name(p)),
			Version: C.GoString(C.lr_scorer_challenger_version(p)),
			SHA256:  C.GoString(C.lr_scorer_challenger_sha256(p)),
		}
	}
	s.h.Store(&handle{p})
	runtime.SetFinalizer(s, (*Scorer).release)
	return s
}

// Rules is the rule set's name, version and SHA-256.
func (s *Scorer) Rules() RulesID { return s.rules }

// AsOf is the evaluation day, "YYYY-MM-DD".
func (s *Scorer) AsOf() string { return s.asOf }

// Challenger is the second rule set and how it takes part: mode "shadow" or "rollout" with
// its rule set's identity, or "" and a zero RulesID when the scorer has none.
func (s *Scorer) Challenger() (mode string, rules RulesID) { return s.mode, s.challenger }

// RolloutShare is the share of users (0 to 1) a staged rollout gives the challenger, or -1
// when the scorer runs no rollout.
func (s *Scorer) RolloutShare() float64 { return s.share }

// Close frees the scorer. Call it once no call on the scorer is running; later calls
// return ErrClosed. Closing twice is harmless. A scorer from [Live.Current] is shared with
// other goroutines: Close leaves it alone, and the garbage collector frees it once no one
// holds it.
func (s *Scorer) Close() error {
	if s.fromLive {
		return nil
	}
	return s.release()
}

func (s *Scorer) release() error {
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
	return takeRecord(rec), nil
}

// Context is what your backend holds beside the Layer response for one decision. Each part
// is a JSON body as received (nil: not given; a non-nil empty slice is given, and does not
// parse); giving one is the same decision as giving it in an envelope line ({"session",
// "applicant", "signals": {"protect", "identity_match", "identity_verification"},
// "rollout_key"}).
type Context struct {
	// Applicant is what your backend knows of the user (its sign-up form): JSON shaped like
	// the response's identity (name, address, phone_number, email, date_of_birth).
	Applicant []byte
	// Protect is the /protect/compute response body (the Trust Index).
	Protect []byte
	// IdentityMatch is the /identity/match response body for the linked Item.
	IdentityMatch []byte
	// IdentityVerification is the /identity_verification/get response body.
	IdentityVerification []byte
	// RolloutKey is the user's key for a staged rollout ([Options.Rollout]): a stable id of
	// the user in your backend, never an identity value. "" is no key (the control arm).
	RolloutKey string
}

// AssessWith decides on one response body with what your backend holds beside it (see
// [Context]): the same decision as the envelope carrying those parts; the record's
// DecisionID differs, since it covers the bytes as given. A *ParseError's Path starts with
// the part's envelope key ("applicant", "signals.protect", "signals.identity_match",
// "signals.identity_verification") when a part is at fault; its Code is
// "ambiguous_envelope" when the body is an envelope that carries the same part. A RolloutKey
// that is not UTF-8 is an *ArgumentError.
func (s *Scorer) AssessWith(body []byte, c Context) (Record, error) {
	h := s.h.Load()
	if h == nil {
		return Record{}, ErrClosed
	}
	ctx := C.lr_context_new()
	defer C.lr_context_free(ctx)
	var cerr *C.LrError
	for _, p := range [...]struct {
		part C.int32_t
		data []byte
	}{{C.LR_PART_APPLICANT, c.Applicant}, {C.LR_PART_PROTECT, c.Protect}, {C.LR_PART_IDENTITY_MATCH, c.IdentityMatch},
		{C.LR_PART_IDENTITY_VERIFICATION, c.IdentityVerification}} {
		if p.data == nil {
			continue
		}
		if C.lr_context_set(ctx, p.part, bytesPtrNonNil(p.data), C.size_t(len(p.data)), &cerr) != C.LR_OK {
			return Record{}, takeError(cerr)
		}
	}
	if c.RolloutKey != "" {
		key := unsafe.Pointer(unsafe.StringData(c.RolloutKey))
		if C.lr_context_set(ctx, C.LR_PART_ROLLOUT_KEY, (*C.uint8_t)(key), C.size_t(len(c.RolloutKey)), &cerr) != C.LR_OK {
			return Record{}, takeError(cerr)
		}
	}
	var rec *C.LrRecord
	status := C.lr_assess_ctx(h.p, bytesPtr(body), C.size_t(len(body)), ctx, &rec, &cerr)
	runtime.KeepAlive(s)
	if status != C.LR_OK {
		return Record{}, takeError(cerr)
	}
	return takeRecord(rec), nil
}

// ScoreJSONL scores a JSONL export (one response or envelope per line; gzip data is
// decompressed) and returns exactly the bytes `layer-risk score --as-of D --jobs 1` (with
// --shadow or --rollout as the scorer has them) prints for it: one record per non-blank line, numbered, in order; lines that are not responses
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

// emptyApplicant stands for an applicant (or context part) of zero bytes: the ABI reads a
// NULL one as "not given", so an empty one needs a pointer that is not NULL.
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

// takeRecord copies the C record into Go memory and frees it (as takeError does errors).
func takeRecord(rec *C.LrRecord) Record {
	defer C.lr_record_free(rec)
	r := Record{
		Score:     uint32(rec.score),
		RequestID: goStr(rec.request_id),
		JSON:      C.GoBytes(unsafe.Pointer(rec.json), C.int(rec.json_len)),
	}
	r.Decision = decisionOf(rec.decision)
	r.DecisionID = goStr(rec.decision_id)
	if a := int(rec.arm); a >= 0 && a < len(arms) {
		r.Arm = arms[a]
	}
	if rec.shadow_decision != C.LR_DECISION_NONE {
		r.Shadow = &Shadow{Decision: decisionOf(rec.shadow_decision), DecisionID: goStr(rec.shadow_decision_id)}
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
