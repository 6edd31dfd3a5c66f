//! Calling layer-risk in a backend right after `/user_account/session/get`.
//!
//! Run: `cargo run --example backend -- tests/fixtures/seed_api_reference.json [rules/lending.json]`
//!
//! A real backend gets the body from its HTTP client (the Plaid SDK or a plain POST); here it is
//! read from a file so the example runs without network or credentials.

use layer_risk::{Outcome, RuleSet, Scorer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let body_path = args
        .next()
        .ok_or("usage: backend RESPONSE.json [RULES.json]")?;
    // 1. The response body, exactly as received (no re-serialisation needed).
    let body = std::fs::read(&body_path)?;

    // 2. The product's rule set and today's date: a backend builds its scorer once at
    //    start-up (and again when the date changes), and shares it across requests. The
    //    evaluation date comes from the caller's clock: the library never reads one.
    let rules = match args.next() {
        Some(path) => RuleSet::from_path(path)?,
        None => RuleSet::embedded_default().clone(),
    };
    let scorer = Scorer::new(rules, chrono::Utc::now().date_naive());

    match scorer.assess(&body, &layer_risk::Context::NONE) {
        Err(e) => {
            // Not a Layer response: the message says where, and holds no identity values.
            eprintln!("cannot read the session: {e}");
            std::process::exit(1);
        }
        Ok(decision) => {
            // 3. Log the record: request id, codes and counts only.
            let mut record = Vec::new();
            scorer.write_record(&decision, None, &mut record);
            print!("{}", String::from_utf8_lossy(&record));
            // 4. Act on it.
            let next = match decision.outcome {
                Outcome::Trust => "create the account with the Layer identity",
                Outcome::IdentityMatch => {
                    "call /identity/match with the Layer identity and the Item's access token"
                }
                Outcome::IdentityVerification => "start an Identity Verification session",
                // An outcome this build does not know: fail closed, to the strictest step-up.
                _ => "start an Identity Verification session (unknown outcome)",
            };
            eprintln!("{decision}next step: {next}");
        }
    }
    Ok(())
}
