//! Rule sets: what each finding and each edit count costs, and where the tiers start.
//!
//! A rules file is JSON a risk analyst edits (format and every reason code: `rules/README.md`).
//! Loading checks it twice: the shape (unknown keys and wrong values are refused, with file,
//! line, column, field path and a did-you-mean), then the meaning (duplicate ids, tiers out of
//! order, negative points). Every decision names the rule set's name, version and SHA-256.
//!
//! - `model`: the types the engine reads;
//! - `load`: JSON to a [`RuleSet`], with located errors;
//! - `check`: the semantic checks.

mod check;
mod load;
mod model;

pub(crate) use load::did_you_mean;
pub use load::DEFAULT_RULES_JSON;
pub use model::LinkRule;
pub use model::{
    CombinedRule, EditRule, Guardrail, MatchRule, Outcome, Price, RuleSet, RuleSetId, Signal,
    SignalRule, Tiers, MAX_POINTS,
};
