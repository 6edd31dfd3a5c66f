//! Safe reload: rules swapped thousands of times while threads score. Every record names
//! exactly one of the rule sets that were live, whole (its SHA-256 and its decision), and a
//! broken file never becomes live.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use layer_risk::{Context, LiveScorer, RuleSet, Scorer};
use serde_json::Value;

use super::util;

#[test]
fn reloads_under_concurrent_scoring_never_mix_rule_sets() {
    let as_of = util::as_of();
    let sets: Vec<RuleSet> = util::shipped_all().to_vec();
    // What each rule set decides on a probe that tells them apart.
    let mut probe = util::with("/identity/name/last_name", Value::Null);
    util::set(&mut probe, "/identity/phone_number", "+442079460958".into());
    let body = probe.to_string();
    let expect: Vec<(String, String, u64)> = sets
        .iter()
        .map(|r| {
            let d = util::scorer(r)
                .assess(body.as_bytes(), &Context::NONE)
                .unwrap();
            (
                r.id().sha256.clone(),
                d.outcome.as_str().to_owned(),
                u64::from(d.score),
            )
        })
        .collect();
    let distinct: std::collections::BTreeSet<_> = expect.iter().map(|e| e.2).collect();
    assert_eq!(
        distinct.len(),
        3,
        "the probe tells the files apart: {expect:?}"
    );

    let live = Arc::new(LiveScorer::new(Scorer::new(sets[0].clone(), as_of)));
    let done = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (live, done, body, expect) =
                (live.clone(), done.clone(), body.clone(), expect.clone());
            std::thread::spawn(move || {
                let mut seen = 0u64;
                while !done.load(Ordering::Relaxed) || seen == 0 {
                    let scorer = live.current();
                    let mut out = Vec::new();
                    let d = scorer.assess(body.as_bytes(), &Context::NONE).unwrap();
                    scorer.write_record(&d, None, &mut out);
                    let rec: Value = serde_json::from_slice(&out).unwrap();
                    let sha = rec["rules"]["sha256"].as_str().unwrap();
                    let e = expect.iter().find(|e| e.0 == sha).expect("a shipped set");
                    assert_eq!(rec["decision"], e.1.as_str(), "{rec}");
                    assert_eq!(rec["score"], e.2, "{rec}");
                    seen += 1;
                }
                seen
            })
        })
        .collect();
    let broken = "{\"name\": \"broken\", \"version\": \"1\"";
    let mut reloads = 0;
    for i in 0..3000 {
        let next = sets[i % 3].clone();
        live.update(|s| Ok(Scorer::new(next, s.as_of()))).unwrap();
        // A broken file is refused, with its location, and the live set stays.
        let before = live.current().rules().id().sha256.clone();
        let err = live
            .update(|s| {
                Ok(Scorer::new(
                    RuleSet::from_json(broken, "broken.json")?,
                    s.as_of(),
                ))
            })
            .unwrap_err();
        assert_eq!((err.source_name(), err.line()), ("broken.json", 1));
        assert_eq!(live.current().rules().id().sha256, before);
        reloads += 1;
    }
    done.store(true, Ordering::Relaxed);
    let decided: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(reloads, 3000);
    assert!(decided > 100, "{decided}");
}

/// What a reload builds equals a scorer built afresh: new live rules keep the shadow, a new
/// date keeps both rule sets, dropping the challenger leaves the live decision as it was.
#[test]
fn rebuilt_scorers_equal_fresh_ones() {
    let [d, l, p] = [0, 1, 2].map(|i| util::shipped_all()[i].clone());
    let day2 = util::as_of().succ_opt().unwrap();
    let body = util::with("/identity/date_of_birth", "2008-11-23".into()).to_string();
    let rec = |s: &Scorer| {
        let dec = s.assess(body.as_bytes(), &Context::NONE).unwrap();
        let mut out = Vec::new();
        s.write_record(&dec, Some(1), &mut out);
        out
    };
    let base = Scorer::new(d.clone(), util::as_of()).with_shadow(l.clone());
    let pairs = [
        (
            base.with_rules(p.clone()),
            Scorer::new(p.clone(), util::as_of()).with_shadow(l.clone()),
        ),
        (
            base.with_as_of(day2),
            Scorer::new(d.clone(), day2).with_shadow(l.clone()),
        ),
        (
            base.without_challenger(),
            Scorer::new(d.clone(), util::as_of()),
        ),
        (
            Scorer::new(d.clone(), util::as_of())
                .with_rollout(l.clone(), 0.25)
                .with_as_of(day2),
            Scorer::new(d.clone(), day2).with_rollout(l.clone(), 0.25),
        ),
    ];
    for (i, (rebuilt, fresh)) in pairs.iter().enumerate() {
        assert_eq!(rec(rebuilt), rec(fresh), "pair {i}");
        assert_eq!(rebuilt.rollout_share(), fresh.rollout_share());
    }
    // The day matters: on day 2 the applicant turned 18 (the id and the decision differ).
    assert_ne!(rec(&base), rec(&base.with_as_of(day2)));
}

/// Concurrent updates are serialised: each builds on the one before, so a reload and a date
/// change racing each other both land.
#[test]
fn concurrent_updates_are_never_lost() {
    let live = Arc::new(LiveScorer::new(Scorer::new(
        util::shipped("default").clone(),
        util::as_of(),
    )));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let live = Arc::clone(&live);
            std::thread::spawn(move || {
                for _ in 0..250 {
                    live.update(|s| {
                        // Slow enough that unserialised updates would overlap.
                        std::thread::yield_now();
                        Ok(s.with_as_of(s.as_of().succ_opt().unwrap()))
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let days = (live.current().as_of() - util::as_of()).num_days();
    assert_eq!(
        days, 1000,
        "every one of 1000 updates moved the date by one day"
    );
}
