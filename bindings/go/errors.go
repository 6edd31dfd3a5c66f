package layerrisk

/*
#include "layer_risk.h"
*/
import "C"

import "strconv"

// ParseError: a body (or applicant) that is not a Plaid Layer response. Use errors.As:
//
//	var pe *layerrisk.ParseError
//	if errors.As(err, &pe) { log.Printf("unreadable: %s at %s", pe.Code, pe.Path) }
//
// Messages never quote a value from the input.
type ParseError struct {
	// Code is the core's stable code: truncated, invalid_json, invalid_utf8, wrong_type,
	// invalid_value, duplicate_field, not_an_object, ambiguous_envelope, invalid_data.
	Code string
	// Message says what and where, with the line and column.
	Message string
	// Line and Column are 1-based (Column in bytes) within the body.
	Line, Column int
	// Path is the field ("identity.name.first_name", "applicant.date_of_birth",
	// "signals.identity_verification.status"), or "".
	Path string
	// DecisionID is the decision_id of the error record `layer-risk score` writes for the
	// same line (Assess of a body alone); "" when parts were given apart.
	DecisionID string
}

func (e *ParseError) Error() string { return "layerrisk: " + e.Message }

// RulesError: a rules file that cannot be read or used.
type RulesError struct {
	// Code is io, syntax, schema, semantic or unpriced.
	Code string
	// Message starts with "file:line:column: ".
	Message string
	// Line and Column point into the rules file (1 and 1 for io).
	Line, Column int
	// Path is the field ("edit_rules[2].window"), or "".
	Path string
}

func (e *RulesError) Error() string { return "layerrisk: " + e.Message }

// ArgumentError: a bad option or argument (a date that is not YYYY-MM-DD, no AsOf, a
// rollout share outside 0 to 1, a rollout key that is not UTF-8). The message names the
// argument, never its value.
type ArgumentError struct {
	Message string
}

func (e *ArgumentError) Error() string { return "layerrisk: " + e.Message }

// InputError: ScoreJSONL's input cannot be read (a corrupt or cut gzip stream).
type InputError struct {
	Message string
}

func (e *InputError) Error() string { return "layerrisk: " + e.Message }

// InternalError: a bug in layer-risk (a panic, caught before it crossed into Go). The
// scorer is still usable.
type InternalError struct {
	Message string
}

func (e *InternalError) Error() string { return "layerrisk: " + e.Message }

// takeError turns the C error into its Go type and frees it.
func takeError(e *C.LrError) error {
	if e == nil {
		return &InternalError{Message: "a call failed without an error"}
	}
	defer C.lr_error_free(e)
	code := C.GoString(e.code)
	msg := C.GoString(e.message)
	var path string
	if e.path != nil {
		path = C.GoString(e.path)
	}
	line, col := int(e.line), int(e.column)
	switch e.status {
	case C.LR_ERR_PARSE:
		var id string
		if e.decision_id != nil {
			id = C.GoString(e.decision_id)
		}
		return &ParseError{Code: code, Message: msg, Line: line, Column: col, Path: path, DecisionID: id}
	case C.LR_ERR_RULES:
		return &RulesError{Code: code, Message: msg, Line: line, Column: col, Path: path}
	case C.LR_ERR_ARGUMENT:
		return &ArgumentError{Message: msg}
	case C.LR_ERR_INPUT:
		return &InputError{Message: msg}
	default:
		return &InternalError{Message: msg + " (status " + strconv.Itoa(int(e.status)) + ")"}
	}
}
