//! Calling layer-risk in a backend right after `/user_account/session/get`.
//!
//! Run: `cargo run --example backend -- tests/fixtures/seed_api_reference.json [rules/lending.json]`
//!
//! A real backend gets the body from its HTTP client (the Plaid SDK or a plain POST); here it is
//! read from a file so the example runs without network or credentials.

use layer_risk::{assess_json, Outcome, RuleSet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let body_path = args
        .next()
        .ok_or("usage: backend RESPONSE.json [RULES.json]")?;
    // 1. The response body, exactly as received (no re-serialisation needed).
    let body = std::fs::read_to_string(&body_path)?;

    // 2. The product's rule set: load it once at start-up and keep it for the process's life.
    let rules = match args.next() {
        Some(path) => RuleSet::from_json(&std::fs::read_to_string(&path)?, &path)?,
        None => RuleSet::embedded_default().clone(),
    };

    // 3. The evaluation date comes from the caller's clock: the library never reads one.
    let today = chrono::Utc::now().date_naive();

    match assess_json(&body, &rules, today) {
        Err(e) => {
            // Not a Layer response: the message says where, and holds no identity values.
            eprintln!("cannot read the session: {e}");
            std::process::exit(1);
        }
        Ok(decision) => {
            // 4. Log the decision as JSON: request id, codes and counts only.
            println!("{}", serde_json::to_string(&decision)?);
            // 5. Act on it.
            let next = match decision.outcome {
                Outcome::Trust => "create the account with the Layer identity",
                Outcome::IdentityMatch => {
                    "call /identity/match with the Layer identity and the Item's access token"
                }
                Outcome::IdentityVerification => "start an Identity Verification session",
            };
            eprintln!("{decision}next step: {next}");
        }
    }
    Ok(())
}
