//! Linkage across sessions: the stores against a reference count, rings on a `gen` export
//! under every shipped file, concurrent processes on one SQLite file and one PostgreSQL
//! database, no identity value in what a store writes, and the CLI's `--link`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use layer_risk::gen::{GenConfig, Generator, LineKind, LinkRole, RingKind};
use layer_risk::link::{
    LinkCounts, LinkHistory, LinkKey, LinkKeys, LinkSecret, LinkStore, MemoryStore, Retention,
    SqliteStore,
};
use layer_risk::{Context, RuleSet, Scorer};

use super::util::{self, run, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_layer-risk");
const SECRET: &[u8] = b"link-test-secret: 0123456789abcdef0123456789abcdef\n";

fn secret() -> LinkSecret {
    LinkSecret::from_bytes(SECRET.to_vec()).unwrap()
}

/// One generated line: its bytes, role, time and keys.
struct Line {
    bytes: Vec<u8>,
    role: LinkRole,
    at: i64,
    keys: LinkKeys,
}

fn ring_export(count: u64, seed: u64, rings: f64) -> Vec<Line> {
    let cfg = GenConfig {
        count,
        seed,
        rings,
        as_of: util::as_of(),
        ..GenConfig::default()
    };
    let s = secret();
    let mut gen = Generator::new(cfg);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut i = 0;
    while let Some((kind, _)) = gen.next_line(&mut buf) {
        assert_ne!(kind, LineKind::Corrupt);
        let keys = s.keys_of(&buf).unwrap();
        out.push(Line {
            bytes: std::mem::take(&mut buf),
            role: gen.link_role(),
            at: gen.observed_at(i),
            keys,
        });
        i += 1;
    }
    out
}

/// The windows' lower bounds, as the module docs define them.
fn bounds(at: i64) -> [i64; 4] {
    [
        at - 86_400,
        at - 30 * 86_400,
        at - 365 * 86_400,
        at - 400 * 86_400,
    ]
}

fn count(times: impl Iterator<Item = i64>, at: i64) -> LinkCounts {
    let b = bounds(at);
    let mut c = [0u32; 4];
    for s in times {
        for (n, bound) in c.iter_mut().zip(b) {
            *n += u32::from(s > bound);
        }
    }
    LinkCounts::from_array(c)
}

/// The history of observation `n` computed naively from every earlier one: for each other
/// value seen with the key, its latest time; for the identity, every earlier session.
fn reference(obs: &[(LinkKeys, i64)], n: usize) -> LinkHistory {
    type Pick = fn(&LinkKeys) -> (Option<LinkKey>, Option<LinkKey>);
    let kinds: [(Pick, usize); 5] = [
        (|k| (k.ssn, k.name), 0),
        (|k| (k.ssn, k.dob), 1),
        (|k| (k.phone, k.identity()), 2),
        (|k| (k.email, k.identity()), 3),
        (|k| (k.address, k.identity()), 4),
    ];
    let (keys, at) = obs[n];
    let mut h = LinkHistory::default();
    let mut slots = [LinkCounts::default(); 5];
    for (pick, slot) in kinds {
        let (Some(key), Some(mine)) = pick(&keys) else {
            continue;
        };
        let mut latest: HashMap<LinkKey, i64> = HashMap::new();
        for (k, t) in &obs[..n] {
            if let (Some(kk), Some(other)) = pick(k) {
                if kk == key && other != mine {
                    let e = latest.entry(other).or_insert(*t);
                    *e = (*e).max(*t);
                }
            }
        }
        slots[slot] = count(latest.into_values(), at);
    }
    h.ssn_other_names = slots[0];
    h.ssn_other_dobs = slots[1];
    h.phone_other_identities = slots[2];
    h.email_other_identities = slots[3];
    h.address_identities = slots[4];
    if let Some(id) = keys.identity() {
        let times = obs[..n]
            .iter()
            .filter(|(k, _)| k.identity() == Some(id))
            .map(|(_, t)| *t);
        h.identity_sessions = count(times, at);
    }
    if let Some(ssn) = keys.ssn {
        let first = obs[..n]
            .iter()
            .filter(|(k, _)| k.ssn == Some(ssn))
            .map(|(_, t)| *t)
            .min();
        h.ssn_first_seen_days = first.map(|f| u32::try_from((at - f).max(0) / 86_400).unwrap());
    }
    h
}

/// On a `gen` export with rings, every store's history equals the naive reference on every
/// line (the ring members' counts included), and the stores agree with each other.
#[test]
fn stores_count_what_the_reference_counts() {
    let lines = ring_export(4000, 3, 0.03);
    let obs: Vec<(LinkKeys, i64)> = lines.iter().map(|l| (l.keys, l.at)).collect();
    let dir = TempDir::new("ref");
    let mut memory = MemoryStore::new(Retention::default());
    let mut sqlite = SqliteStore::open(dir.path("ref.sqlite"), Retention::default()).unwrap();
    let mut linked = 0;
    for n in 0..obs.len() {
        let want = reference(&obs, n);
        let (keys, at) = obs[n];
        let m = memory.observe(&keys, at).unwrap();
        assert_eq!(m, want, "memory, line {}", n + 1);
        assert_eq!(
            sqlite.observe(&keys, at).unwrap(),
            want,
            "sqlite, line {}",
            n + 1
        );
        linked += usize::from(want != LinkHistory::default());
    }
    assert!(linked > 150, "only {linked} lines had a history");
}

/// Out of time order: an observation stamped before earlier ones still counts them (they
/// are recent), and memory and SQLite agree.
#[test]
fn out_of_order_times_count_alike() {
    let lines = ring_export(600, 5, 0.05);
    let dir = TempDir::new("ooo");
    let mut memory = MemoryStore::default();
    let mut sqlite = SqliteStore::open(dir.path("o.sqlite"), Retention::default()).unwrap();
    let mut obs = Vec::new();
    for (n, l) in lines.iter().enumerate() {
        // Shuffle the times within a few days, deterministically.
        let at = l.at + ((n as i64 * 7919) % 11 - 5) * 43_200;
        obs.push((l.keys, at));
        let want = reference(&obs, n);
        assert_eq!(memory.observe(&l.keys, at).unwrap(), want, "line {n}");
        assert_eq!(sqlite.observe(&l.keys, at).unwrap(), want, "line {n}");
    }
}

/// Small pools of values over three years, with gaps from minutes to three months, some
/// times out of order, and erasures: with a 30-day horizon, memory (which purges by itself
/// monthly, or skips a purge with nothing to drop) and SQLite (daily) count alike on every
/// observation, before and after each erasure.
#[test]
fn stores_agree_across_purges_and_erasures() {
    let s = secret();
    let dir = TempDir::new("purge");
    let retention = Retention { days: 30 };
    let mut memory = MemoryStore::new(retention);
    let mut sqlite = SqliteStore::open(dir.path("p.sqlite"), retention).unwrap();
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let mut at: i64 = 1_700_000_000;
    let (mut erased, mut histories) = (0, 0);
    for n in 0..3000 {
        at += match next(10) {
            0 => 86_400 * i64::try_from(next(90)).unwrap(),
            1 => -43_200 * i64::try_from(next(4)).unwrap(),
            _ => 60 * i64::try_from(next(600)).unwrap(),
        };
        let ssn = match next(8) {
            0 => String::new(),
            k => format!(r#""ssn": "52478196{k}","#),
        };
        let body = format!(
            r#"{{"identity": {{{ssn} "name": {{"first_name": "N{}", "last_name": "Lee"}}, "date_of_birth": "199{}-01-02", "phone_number": "+1415745213{}", "email": "e{}@example.com", "address": {{"street": "{} Main St", "postal_code": "46001"}}}}}}"#,
            next(4),
            next(3),
            next(5),
            next(4),
            next(3) + 1
        );
        let keys = s.keys_of(body.as_bytes()).unwrap();
        let m = memory.observe(&keys, at).unwrap();
        assert_eq!(m, sqlite.observe(&keys, at).unwrap(), "observation {n}");
        histories += usize::from(m != LinkHistory::default());
        if next(50) == 0 {
            memory.erase(&keys).unwrap();
            sqlite.erase(&keys).unwrap();
            erased += 1;
            let again = memory.observe(&keys, at + 1).unwrap();
            assert_eq!(
                again,
                sqlite.observe(&keys, at + 1).unwrap(),
                "after erasure {n}"
            );
            assert_eq!(again.identity_sessions.all_time, 0);
        }
    }
    assert!(
        erased > 20 && histories > 2000,
        "{erased} erasures, {histories} histories"
    );
}

/// The memory store erases a subject as the SQLite store does (counting the same rows).
#[test]
fn memory_erases_a_subject() {
    let s = secret();
    let mut store = MemoryStore::new(Retention { days: 30 });
    let a = s.keys_of(br#"{"identity": {"name": {"first_name": "Ann", "last_name": "Lee"}, "date_of_birth": "1990-01-02", "ssn": "524781963", "phone_number": "+14157452130"}}"#).unwrap();
    let b = s.keys_of(br#"{"identity": {"name": {"first_name": "Bo", "last_name": "Lee"}, "date_of_birth": "1991-01-02", "ssn": "524781964", "phone_number": "+14157452130"}}"#).unwrap();
    let c = s.keys_of(br#"{"identity": {"name": {"first_name": "Cy", "last_name": "Lee"}, "date_of_birth": "1992-01-02", "phone_number": "+14157452130"}}"#).unwrap();
    store.observe(&a, 0).unwrap();
    store.observe(&a, 10).unwrap();
    assert_eq!(store.observe(&b, 20).unwrap().phone_other_identities.day, 1);
    assert_eq!(store.observe(&c, 25).unwrap().phone_other_identities.day, 2);
    // a: two sessions, its phone link, its SSN's name and date of birth, first seen.
    assert_eq!(store.erase(&a).unwrap(), 6);
    // c, without an SSN: one session and its phone link.
    assert_eq!(store.erase(&c).unwrap(), 2);
    let h = store.observe(&b, 30).unwrap();
    assert_eq!(
        (
            h.phone_other_identities.all_time,
            h.identity_sessions.all_time
        ),
        (0, 1)
    );
    // Forty days on, b is past the 30-day horizon: not counted, then purged.
    let h = store.observe(&b, 40 * 86_400).unwrap();
    assert_eq!(
        (h.identity_sessions.all_time, h.ssn_first_seen_days),
        (0, None)
    );
    assert_eq!(store.purge(40 * 86_400).unwrap(), 0);
    // What is left is b's latest session: its name, date of birth, session, first sighting
    // and phone link.
    assert_eq!(store.entries(), 5);
}

/// A store that fails on its sixth observation.
struct FailingStore(MemoryStore);

impl LinkStore for FailingStore {
    fn observe(
        &mut self,
        keys: &LinkKeys,
        at: i64,
    ) -> Result<LinkHistory, layer_risk::link::LinkError> {
        if self.0.observations() == 5 {
            return Err(layer_risk::link::LinkError::Store("disk full".into()));
        }
        self.0.observe(keys, at)
    }
    fn erase(&mut self, subject: &LinkKeys) -> Result<u64, layer_risk::link::LinkError> {
        self.0.erase(subject)
    }
    fn purge(&mut self, now: i64) -> Result<u64, layer_risk::link::LinkError> {
        self.0.purge(now)
    }
}

/// A store failure ends a linked run with the store's error, and leaves the same output for
/// one job as for several: none of the failing block's records.
#[test]
fn a_store_failure_ends_the_run_alike_for_any_jobs() {
    let lines = ring_export(50, 9, 0.1);
    let export: Vec<u8> = lines
        .iter()
        .flat_map(|l| [&l.bytes[..], b"\n"].concat())
        .collect();
    let scorer = Scorer::new(
        RuleSet::embedded_default().clone(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    );
    let s = secret();
    let mut outs = Vec::new();
    for jobs in [1, 2] {
        let mut store = FailingStore(MemoryStore::default());
        let mut linker = layer_risk::batch::Linker {
            store: &mut store,
            secret: &s,
            default_time: 0,
        };
        let mut out = Vec::new();
        let e = layer_risk::batch::score_linked(
            &export[..],
            &mut out,
            &scorer,
            &mut linker,
            layer_risk::batch::Options::new(jobs),
            |_, _| {},
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "link store: disk full", "jobs {jobs}");
        assert_eq!(store.0.observations(), 5, "jobs {jobs}");
        outs.push(out);
    }
    assert_eq!(outs[0], outs[1]);
    assert!(outs[0].is_empty());
}

/// Rings are found with the right counts under every shipped file: every reuse at or past a
/// rule's threshold steps up with its link rule; no first occurrence, household member or
/// returning user gets a link rule.
#[test]
fn rings_are_caught_and_households_are_left_alone() {
    let lines = ring_export(8000, 1, 0.02);
    let mut store = MemoryStore::default();
    let histories: Vec<LinkHistory> = lines
        .iter()
        .map(|l| store.observe(&l.keys, l.at).unwrap())
        .collect();
    let mut reuses = 0;
    for rules in util::shipped_all() {
        let scorer = Scorer::new(rules.clone(), util::as_of());
        for (l, h) in lines.iter().zip(&histories) {
            let d = scorer.assess(&l.bytes, &Context::new().link(h)).unwrap();
            let link: Vec<&str> = d
                .reasons
                .iter()
                .filter(|r| r.code == "link_rule")
                .map(|r| r.rule_id)
                .collect();
            match l.role {
                LinkRole::Ring { kind, member, .. } => {
                    let (rule, from) = match kind {
                        RingKind::SsnReuse => ("ssn-other-name-30d", 1),
                        RingKind::SharedPhone => ("phone-shared-4-30d", 4),
                        RingKind::SharedEmail => ("email-shared-4-30d", 4),
                        RingKind::AddressFarm => ("address-farm-5-30d", 5),
                        RingKind::RetryBurst => ("identity-burst-1d", 3),
                    };
                    let want_count = member;
                    let got = match kind {
                        RingKind::SsnReuse => h.ssn_other_names.month,
                        RingKind::SharedPhone => h.phone_other_identities.month,
                        RingKind::SharedEmail => h.email_other_identities.month,
                        RingKind::AddressFarm => h.address_identities.month,
                        RingKind::RetryBurst => h.identity_sessions.day,
                    };
                    assert_eq!(
                        got,
                        want_count,
                        "{}: {kind:?} member {member}",
                        rules.id().name
                    );
                    if member >= from {
                        reuses += 1;
                        assert!(
                            link.contains(&rule),
                            "{}: {kind:?} {member}: {link:?}",
                            rules.id().name
                        );
                        assert_ne!(d.outcome, layer_risk::Outcome::Trust);
                    } else {
                        assert!(
                            link.is_empty(),
                            "{}: {kind:?} {member}: {link:?}",
                            rules.id().name
                        );
                    }
                }
                LinkRole::Household { .. } | LinkRole::Returning => {
                    assert!(
                        link.is_empty(),
                        "{}: {:?}: {link:?}",
                        rules.id().name,
                        l.role
                    );
                }
                _ => {}
            }
        }
    }
    assert!(reuses > 100, "{reuses}");
}

fn secret_file(dir: &TempDir) -> PathBuf {
    dir.write("secret.key", SECRET)
}

/// `--link`: the bytes do not depend on `--jobs`, nor on the store.
#[test]
fn cli_link_output_is_the_same_for_any_jobs_and_store() {
    let dir = TempDir::new("jobs");
    let key = secret_file(&dir);
    let export = dir.path("e.jsonl");
    let o = run(&[
        "gen",
        "--count",
        "3000",
        "--seed",
        "4",
        "--rings",
        "0.03",
        "--corrupt",
        "0.02",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let key = key.to_str().unwrap();
    let score = |extra: &[&str]| {
        let mut args = vec![
            "score",
            "--as-of",
            "2026-11-22",
            "-q",
            "--link-secret-file",
            key,
        ];
        args.extend_from_slice(extra);
        args.push(export.to_str().unwrap());
        let o = run(&args);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        o.stdout
    };
    let one = score(&["--link", "memory", "--jobs", "1"]);
    assert_eq!(one, score(&["--link", "memory", "--jobs", "3"]));
    let db = dir.path("s.sqlite");
    let sqlite = format!("sqlite:{}", db.display());
    assert_eq!(one, score(&["--link", &sqlite, "--jobs", "2"]));
    let text = String::from_utf8_lossy(&one);
    assert!(text.contains(r#""code":"link_rule""#));
    assert!(text.contains(r#""signal":"ssn_other_names","window":"30d","observed":"#));
}

#[test]
fn cli_link_needs_a_secret_and_says_so() {
    let dir = TempDir::new("secret");
    let o = run(&["score", "--link", "memory", "examples/export.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "layer-risk: --link needs --link-secret-file FILE (at least 32 random bytes)\n"
    );
    let missing = dir.path("none.key");
    let o = run(&[
        "score",
        "--link",
        "memory",
        "--link-secret-file",
        missing.to_str().unwrap(),
        "examples/export.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.starts_with(&format!(
            "layer-risk: cannot read the link secret file {}: ",
            missing.display()
        )),
        "{err}"
    );
    let short = dir.write("short.key", b"hunter2-swordfish\n");
    let o = run(&[
        "score",
        "--link",
        "memory",
        "--link-secret-file",
        short.to_str().unwrap(),
        "examples/export.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        err,
        "layer-risk: the link secret is 17 bytes long: it must be at least 32 random bytes\n"
    );
    assert!(o.stdout.is_empty());
    let o = run(&[
        "score",
        "--link",
        "redis:x",
        "--link-secret-file",
        secret_file(&dir).to_str().unwrap(),
        "examples/export.jsonl",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("expected memory, sqlite:PATH or postgres:URL")
    );
}

/// One export per process: 100 sessions of one SSN under the process's own name.
fn name_export(dir: &TempDir, first: &str) -> PathBuf {
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!(
            r#"{{"session": {{"identity": {{"name": {{"first_name": "{first}", "last_name": "Knope"}}, "date_of_birth": "1975-01-18", "ssn": "524781963", "phone_number": "+14157452130"}}, "items": [{{}}], "request_id": "r{first}{i}"}}, "observed_at": "2026-11-21T10:{:02}:00Z"}}"#,
            i % 60
        ));
        text.push('\n');
    }
    dir.write(&format!("{first}.jsonl"), text.as_bytes())
}

const NAMES: [&str; 9] = [
    "Ann", "Bea", "Cal", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy",
];

/// Eight processes record into one store at once; a ninth sees exactly eight other names
/// and all 800 earlier sessions of the SSN.
fn eight_processes(store: &str, dir: &TempDir) {
    let key = secret_file(dir);
    let key = key.to_str().unwrap();
    let children: Vec<_> = NAMES[..8]
        .iter()
        .map(|n| {
            let export = name_export(dir, n);
            Command::new(BIN)
                .args([
                    "score",
                    "--as-of",
                    "2026-11-22",
                    "-q",
                    "--jobs",
                    "1",
                    "--link",
                    store,
                    "--link-secret-file",
                    key,
                ])
                .arg(&export)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let last = dir.write(
        "ninth.jsonl",
        br#"{"session": {"identity": {"name": {"first_name": "Ivy", "last_name": "Knope"}, "date_of_birth": "1975-01-18", "ssn": "524781963"}, "items": [{}], "request_id": "rIvy"}, "observed_at": "2026-11-21T12:00:00Z"}
"#,
    );
    let o = run(&[
        "score",
        "--as-of",
        "2026-11-22",
        "-q",
        "--link",
        store,
        "--link-secret-file",
        key,
        last.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rec = String::from_utf8_lossy(&o.stdout);
    assert!(
        rec.contains(r#""rule_id":"ssn-other-name-30d","field":"ssn","signal":"ssn_other_names","window":"30d","observed":8,"threshold":1"#),
        "{rec}"
    );
    assert!(
        rec.contains(r#""rule_id":"identity-burst-1d","field":"identity","signal":"identity_sessions","window":"1d","observed":800,"#),
        "{rec}"
    );
}

#[test]
fn sqlite_eight_processes_lose_nothing() {
    let dir = TempDir::new("sqlite8");
    let db = dir.path("shared.sqlite");
    eight_processes(&format!("sqlite:{}", db.display()), &dir);
}

/// Every identity value of `lines` in the forms a careless store might write it.
fn needles(lines: &[Vec<u8>]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines {
        let v: serde_json::Value = serde_json::from_slice(l).unwrap();
        let id = v.get("session").unwrap_or(&v)["identity"].clone();
        let s = |p: &str| id.pointer(p).and_then(|x| x.as_str()).map(str::to_owned);
        for p in [
            "/name/first_name",
            "/name/last_name",
            "/email",
            "/address/street",
        ] {
            if let Some(x) = s(p).filter(|x| x.len() >= 4) {
                // Lower-cased too (the form the keys' normalisation folds to), when long
                // enough not to be a word of SQL or of a dump's header (`tran`saction).
                if x.len() >= 6 {
                    out.push(x.to_lowercase());
                }
                out.push(x);
            }
        }
        for p in ["/ssn", "/phone_number", "/date_of_birth"] {
            if let Some(x) = s(p).filter(|x| x.len() >= 4) {
                out.push(x.clone());
                let digits: String = x.chars().filter(char::is_ascii_digit).collect();
                if digits.len() >= 6 {
                    out.push(digits.clone());
                    // The digits of a phone without its country code.
                    if digits.len() == 11 {
                        out.push(digits[1..].to_owned());
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn assert_no_identity(bytes: &[u8], needles: &[String], what: &str) {
    // Each value as given and lower-cased (the form the keys' normalisation writes), against
    // the bytes as they are: the schema's own words (`PRIMARY`) are upper case.
    for n in needles {
        assert!(
            memchr::memmem::find(bytes, n.as_bytes()).is_none(),
            "{what} holds an identity value ({} bytes long)",
            n.len()
        );
    }
    let s = String::from_utf8_lossy(SECRET);
    assert!(
        memchr::memmem::find(bytes, s.trim().as_bytes()).is_none(),
        "{what} holds the secret"
    );
}

/// The SQLite file (and its WAL) holds keys, kinds and times: no identity value in any form.
#[test]
fn sqlite_file_holds_no_identity_value() {
    let dir = TempDir::new("pii");
    let key = secret_file(&dir);
    let export = dir.path("e.jsonl");
    let o = run(&[
        "gen",
        "--count",
        "1500",
        "--seed",
        "8",
        "--rings",
        "0.03",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let db = dir.path("pii.sqlite");
    let o = run(&[
        "score",
        "--as-of",
        "2026-11-22",
        "-q",
        "--link",
        &format!("sqlite:{}", db.display()),
        "--link-secret-file",
        key.to_str().unwrap(),
        export.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<Vec<u8>> = std::fs::read(&export)
        .unwrap()
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let needles = needles(&lines);
    assert!(needles.len() > 5000, "{}", needles.len());
    let mut files = 0;
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(bytes) = std::fs::read(&p) {
            files += 1;
            assert_no_identity(&bytes, &needles, &p.display().to_string());
        }
    }
    assert!(files >= 1);
    // The check sees what it looks for: the export itself is full of them.
    let raw = std::fs::read(&export).unwrap();
    assert!(std::panic::catch_unwind(|| assert_no_identity(&raw, &needles, "export")).is_err());
}

/// Erasure and retention through the library, on the SQLite store.
#[test]
fn sqlite_erases_a_subject_and_drops_what_is_past_the_horizon() {
    let dir = TempDir::new("erase");
    let s = secret();
    let mut store = SqliteStore::open(dir.path("e.sqlite"), Retention { days: 30 }).unwrap();
    let a = s.keys_of(br#"{"identity": {"name": {"first_name": "Ann", "last_name": "Lee"}, "date_of_birth": "1990-01-02", "ssn": "524781963", "phone_number": "+14157452130"}}"#).unwrap();
    let b = s.keys_of(br#"{"identity": {"name": {"first_name": "Bo", "last_name": "Lee"}, "date_of_birth": "1991-01-02", "ssn": "524781964", "phone_number": "+14157452130"}}"#).unwrap();
    store.observe(&a, 0).unwrap();
    store.observe(&a, 10).unwrap();
    assert_eq!(store.observe(&b, 20).unwrap().phone_other_identities.day, 1);
    // a: two sessions, its phone link, its SSN's name and date of birth, first seen.
    assert_eq!(store.erase(&a).unwrap(), 6);
    assert_eq!(
        store
            .observe(&b, 30)
            .unwrap()
            .phone_other_identities
            .all_time,
        0
    );
    // Forty days on, nothing of b is left inside the 30-day horizon.
    let h = store.observe(&b, 40 * 86_400).unwrap();
    assert_eq!(
        (h.identity_sessions.all_time, h.ssn_first_seen_days),
        (0, None)
    );
    assert!(store.purge(40 * 86_400).unwrap() == 0);
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: needs a server. CI (`.ci/run`) starts one and sets LAYER_RISK_TEST_POSTGRES_URL
// (key=value form, without dbname) and LAYER_RISK_REQUIRE_POSTGRES=1, so there these fail
// rather than skip.
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "link-postgres")]
mod pg {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A fresh database on the test server, or `None` (skip) when no server is configured.
    pub(super) fn fresh_db(tag: &str) -> Option<String> {
        let Ok(base) = std::env::var("LAYER_RISK_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("LAYER_RISK_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "LAYER_RISK_REQUIRE_POSTGRES=1 but LAYER_RISK_TEST_POSTGRES_URL is not set"
            );
            eprintln!("skipped: LAYER_RISK_TEST_POSTGRES_URL is not set");
            return None;
        };
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "lr_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut c =
            postgres::Client::connect(&format!("{base} dbname=postgres"), postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        Some(format!("{base} dbname={name}"))
    }

    #[test]
    fn postgres_eight_processes_lose_nothing() {
        let Some(url) = fresh_db("eight") else { return };
        let dir = TempDir::new("pg8");
        eight_processes(&format!("postgres:{url}"), &dir);
    }

    /// The stores agree on a ring export, and a `pg_dump` of the database holds no identity
    /// value.
    #[test]
    fn postgres_counts_as_memory_and_a_dump_holds_no_identity_value() {
        let Some(url) = fresh_db("dump") else { return };
        let lines = ring_export(1500, 9, 0.04);
        let mut memory = MemoryStore::default();
        let mut pg = layer_risk::link::PostgresStore::connect(&url, Retention::default()).unwrap();
        for (n, l) in lines.iter().enumerate() {
            assert_eq!(
                pg.observe(&l.keys, l.at).unwrap(),
                memory.observe(&l.keys, l.at).unwrap(),
                "line {n}"
            );
        }
        let dump =
            Command::new(std::env::var("LAYER_RISK_PG_DUMP").unwrap_or_else(|_| "pg_dump".into()))
                .args(["--data-only", "-d", &url])
                .output()
                .unwrap();
        assert!(
            dump.status.success(),
            "{}",
            String::from_utf8_lossy(&dump.stderr)
        );
        assert!(dump.stdout.len() > 10_000, "{}", dump.stdout.len());
        let bytes: Vec<Vec<u8>> = lines.iter().map(|l| l.bytes.clone()).collect();
        assert_no_identity(&dump.stdout, &needles(&bytes), "pg_dump");
    }
}

/// `diff`, `sweep` and `score --summary` take `--link`: link rules show in their reports.
#[test]
fn cli_diff_sweep_and_summary_with_link() {
    let dir = TempDir::new("reports");
    let key = secret_file(&dir);
    let key = key.to_str().unwrap();
    let export = dir.path("e.jsonl");
    let labels = dir.path("labels.csv");
    let o = run(&[
        "gen",
        "--count",
        "3000",
        "--seed",
        "6",
        "--rings",
        "0.03",
        "--labels",
        labels.to_str().unwrap(),
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let (e, l) = (export.to_str().unwrap(), labels.to_str().unwrap());
    let link = ["--link", "memory", "--link-secret-file", key];
    let mut args = vec![
        "diff",
        "--rules",
        "rules/default.json",
        "--rules",
        "rules/lending.json",
        "--labels",
        l,
        "--json",
        "--as-of",
        "2026-11-22",
    ];
    args.extend_from_slice(&link);
    args.push(e);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = report.to_string();
    assert!(
        text.contains("ssn-other-name-365d"),
        "lending's own link rule fired"
    );
    let mut args = vec![
        "sweep",
        "--rules",
        "rules/default.json",
        "--labels",
        l,
        "--json",
        "--as-of",
        "2026-11-22",
    ];
    args.extend_from_slice(&link);
    args.push(e);
    let linked = run(&args);
    assert!(
        linked.status.success(),
        "{}",
        String::from_utf8_lossy(&linked.stderr)
    );
    let plain = run(&[
        "sweep",
        "--rules",
        "rules/default.json",
        "--labels",
        l,
        "--json",
        "--as-of",
        "2026-11-22",
        e,
    ]);
    assert_ne!(
        linked.stdout, plain.stdout,
        "linkage changes what the sweep sees"
    );
    let summary = dir.path("s.json");
    let mut args = vec![
        "score",
        "-q",
        "--as-of",
        "2026-11-22",
        "--summary",
        summary.to_str().unwrap(),
    ];
    args.extend_from_slice(&link);
    args.push(e);
    let o = run(&args);
    assert!(o.status.success());
    let s = std::fs::read_to_string(&summary).unwrap();
    assert!(s.contains(r#""id": "link_rule""#), "{s}");
    assert!(s.contains(r#""id": "ssn-other-name-30d""#), "{s}");
}

/// `link_rules` are checked like the other rules (ids unique across every kind, windows the
/// signal has), a combined rule may name one, and without a history none fires.
#[test]
fn link_rules_load_check_and_combine() {
    let file = |link: &str, combined: &str| {
        util::priced(&format!(
            r#"{{"name": "t", "version": "1", "tiers": {{"identity_match": 10, "identity_verification": 50}},
               "edit_rules": [{{"id": "name-now", "field": "name", "window": "current", "at_least": 1, "points": 0}}],
               "link_rules": [{link}], "combined_rules": [{combined}]}}"#
        ))
    };
    let err = |link: &str| {
        RuleSet::from_json(&file(link, ""), "t.json")
            .unwrap_err()
            .to_string()
    };
    let e = err(
        r#"{"id": "x", "signal": "ssn_other_names", "window": "current", "at_least": 1, "points": 1}"#,
    );
    assert!(e.ends_with("link_rules[0].window: ssn_other_names is counted in `1d`, `30d`, `365d` or `all_time`, not `current`"), "{e}");
    let e = err(
        r#"{"id": "x", "signal": "ssn_first_seen_days", "window": "30d", "at_least": 1, "points": 1}"#,
    );
    assert!(
        e.ends_with(
            "link_rules[0].window: ssn_first_seen_days is counted in `all_time` only, not `30d`"
        ),
        "{e}"
    );
    let e = err(
        r#"{"id": "name-now", "signal": "identity_sessions", "window": "1d", "at_least": 1, "points": 1}"#,
    );
    assert!(
        e.ends_with("link_rules[0].id: duplicate rule id `name-now` (first used by edit_rules[0])"),
        "{e}"
    );
    let e = err(
        r#"{"id": "x", "signal": "identity_sessions", "window": "1d", "at_least": 0, "points": 1}"#,
    );
    assert!(e.contains("at_least must be 1 or more"), "{e}");
    let e = err(
        r#"{"id": "x", "signal": "identity_session", "window": "1d", "at_least": 1, "points": 1}"#,
    );
    assert!(e.contains("unknown variant `identity_session`"), "{e}");
    // A combined rule over a link rule and an edit rule.
    let rules = RuleSet::from_json(
        &file(
            r#"{"id": "burst", "signal": "identity_sessions", "window": "1d", "at_least": 2, "points": 5}"#,
            r#"{"id": "burst-and-name", "all_of": ["burst", "name-now"], "points": 40}"#,
        ),
        "t.json",
    )
    .unwrap();
    let scorer = Scorer::new(rules, util::as_of());
    let body = util::with(
        "/identity_edit_history/name",
        serde_json::json!({"edits_current": 1, "edits_1d": 1, "edits_30d": 1, "edits_365d": 1, "edits_all_time": 1}),
    )
    .to_string();
    let h: LinkHistory = serde_json::from_str(
        r#"{"identity_sessions": {"1d": 2, "30d": 2, "365d": 2, "all_time": 2}}"#,
    )
    .unwrap();
    let d = scorer
        .assess(body.as_bytes(), &Context::new().link(&h))
        .unwrap();
    let ids: Vec<&str> = d.reasons.iter().map(|r| r.rule_id).collect();
    assert!(
        ids.contains(&"burst") && ids.contains(&"burst-and-name"),
        "{ids:?}"
    );
    // The combination concerns the identity (its link part): Identity Verification.
    assert_eq!(d.outcome, layer_risk::Outcome::IdentityVerification);
    let without = scorer.assess(body.as_bytes(), &Context::NONE).unwrap();
    assert!(without.reasons.iter().all(|r| r.rule_id != "burst"));
}

/// The link history is part of what a decision id covers: the same body under another
/// history is another decision with another id; the same history gives the same id.
#[test]
fn the_decision_id_covers_the_link_history() {
    let scorer = Scorer::new(RuleSet::embedded_default().clone(), util::as_of());
    let body = util::base().to_string();
    let mut store = MemoryStore::default();
    let keys = secret().keys_of(body.as_bytes()).unwrap();
    let first = store.observe(&keys, 1_795_000_000).unwrap();
    let again = store.observe(&keys, 1_795_000_060).unwrap();
    assert_ne!(first, again, "the second session sees the first");
    let id = |h: Option<&LinkHistory>| {
        let ctx = match h {
            Some(h) => Context::new().link(h),
            None => Context::NONE,
        };
        scorer.assess(body.as_bytes(), &ctx).unwrap().decision_id
    };
    assert_ne!(id(None), id(Some(&first)));
    assert_ne!(id(Some(&first)), id(Some(&again)));
    assert_eq!(id(Some(&again)), id(Some(&again)));
}
