//! The crate's modules form one stack (see the crate docs): each imports only from its own
//! layer or the layers below it. This test reads the sources and fails on an upward import.

use std::path::Path;

/// Module -> layer, lowest first. A module not listed here fails the test, so a new module
/// must be placed in the stack.
const LAYERS: &[(&str, u8)] = &[
    ("de", 0),
    ("error", 0),
    ("fields", 0),
    ("finding", 0),
    ("geo", 0),
    ("outcome", 0),
    ("pos", 0),
    ("rng", 0),
    ("session", 1),
    ("signals", 1),
    ("validate", 2),
    ("matching", 3),
    ("link", 4),
    ("rules", 5),
    ("score", 6),
    ("resolve", 7),
    ("decision", 8),
    ("record", 9),
    ("api", 10),
    ("batch", 11),
    ("diff", 11),
    ("drift", 11),
    ("rulestest", 11),
    ("sweep", 11),
    ("gen", 12),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Every `crate::NAME` path in a whole source file, its unit tests included (a test that
/// needs a higher layer belongs in the integration tests); comments are skipped.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
                .collect();
            out.push((i + 1, name));
            rest = after;
        }
    }
    out
}

#[test]
fn no_module_imports_upward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    let mut violations = Vec::new();
    for entry in walk(&src) {
        let rel = entry
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" || rel.starts_with("bin/") {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        let Some(own) = layer(&module) else {
            violations.push(format!("{rel}: module `{module}` is not placed in LAYERS"));
            continue;
        };
        let text = std::fs::read_to_string(&entry).unwrap();
        for (line, name) in crate_refs(&text) {
            checked += 1;
            match layer(&name) {
                Some(l) if l <= own => {}
                Some(l) => violations.push(format!(
                    "{rel}:{line}: `{module}` (layer {own}) imports `crate::{name}` (layer {l})"
                )),
                None => violations.push(format!(
                    "{rel}:{line}: `crate::{name}` is not a layer module: import from the layer that owns it"
                )),
            }
        }
    }
    assert!(checked > 50, "the scan found only {checked} crate paths");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// The scanner itself: it sees imports in code and in unit tests, and skips comments.
#[test]
fn scanner_sees_imports() {
    let text = "use crate::session::Session;\n// crate::api in a comment\nfn f() { crate::rules::x(); }\n#[cfg(test)]\nmod tests {\n    use crate::api::Scorer;\n}\n";
    let names: Vec<String> = crate_refs(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["session", "rules", "api"]);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}
