//! docs/ARCHITECTURE.md stays a true map (issue #24): every file or folder
//! it names exists; every function or type its "Where each rule is decided"
//! table names occurs in the file named before it in that row (or, in a row
//! that names no file before it, somewhere in the crates' sources); every
//! rule R1–R32 and invariant I1–I6 has a row; and every module file of the
//! three crates is on the map.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const DOC: &str = "docs/ARCHITECTURE.md";
/// Where the crates' sources are (relative to the repository's root).
const CRATES: [&str; 3] = ["domain/src", "persistence/src", "api/src"];
/// A path the map may name starts with one of these.
const PREFIXES: [&str; 8] = [
    "domain/",
    "persistence/",
    "api/",
    "migrations/",
    "tests/browser",
    "bench/",
    "deploy/",
    "docs/",
];
const TABLE: &str = "## Where each rule is decided";
const RULES: u32 = 32;
const INVARIANTS: u32 = 6;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn doc() -> String {
    read(&root().join(DOC))
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// Every path the text names: a run of path characters that starts with
/// one of [`PREFIXES`] where no word or path goes on before it; a full stop
/// or comma at its end is the sentence's.
fn paths_named(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, _)) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j].1);
        if before.is_some_and(|c| is_path_char(c) || c == ':') {
            continue;
        }
        let rest = &text[at..];
        if !PREFIXES.iter().any(|p| rest.starts_with(p)) {
            continue;
        }
        let end = rest.find(|c| !is_path_char(c)).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches(['.', ',']);
        found.insert(path.to_owned());
    }
    found
}

/// The spans between backticks.
fn spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The rows of the table: (rule cell, decided-in cell).
fn table_rows(doc: &str) -> Vec<(String, String)> {
    let start = doc
        .find(TABLE)
        .unwrap_or_else(|| panic!("{DOC} has no section `{TABLE}`"));
    let section = &doc[start + TABLE.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let [rule, decided] = cells.as_slice() else {
                panic!("{DOC}: a row of the table without two cells: {l}");
            };
            let header = *rule == "rule" || rule.chars().all(|c| c == '-' || c == ':');
            (!header).then(|| (rule.to_string(), decided.to_string()))
        })
        .collect()
}

/// The rules and invariants a row's first cell names: `R7`, `I1, I2`, …
fn ids_in(cell: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let chars: Vec<char> = cell.chars().collect();
    for i in 0..chars.len() {
        let boundary = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if boundary && matches!(chars[i], 'R' | 'I') {
            let digits: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            let ends = chars
                .get(i + 1 + digits.len())
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            if !digits.is_empty() && ends {
                ids.push(format!("{}{digits}", chars[i]));
            }
        }
    }
    ids
}

/// Every `.rs` file under `dir`, relative to the root.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.strip_prefix(root()).unwrap().to_path_buf());
        }
    }
}

fn crate_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in CRATES {
        rust_files(&root().join(dir), &mut files);
    }
    files.sort();
    files
}

/// A source without its comment lines, so a name only mentioned in a
/// comment is not found.
fn code_of(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `word` occurs in `code` as a whole word.
fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)
    })
}

/// Whether `code` defines a function `name` (`fn name(` or `fn name<`).
fn has_fn(code: &str, name: &str) -> bool {
    let head = format!("fn {name}");
    code.match_indices(&head).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + head.len()..].chars().next();
        !before.is_some_and(is_ident_char) && matches!(after, Some('(' | '<'))
    })
}

/// The segments of a span that names code (`check_residence`,
/// `Store::lock_office_days`, `Authorized<Policy>`), or `None`.
fn code_name(span: &str) -> Option<Vec<&str>> {
    let bare = span.trim_end_matches("()");
    let bare = bare.split('<').next().unwrap_or(bare);
    let segments: Vec<&str> = bare.split("::").collect();
    let valid = |s: &&str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(is_ident_char)
    };
    segments.iter().all(valid).then_some(segments)
}

/// What is wrong with the name `segments` said to be in `code`: a
/// lower-case name must be a function defined there, any other (a type, a
/// variant, a constant) must occur there as a word.
fn missing(code: &str, segments: &[&str]) -> Vec<String> {
    segments
        .iter()
        .filter(|s| {
            let function = s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
            if function {
                !has_fn(code, s)
            } else {
                !has_word(code, s)
            }
        })
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn every_file_the_map_names_exists() {
    let doc = doc();
    let named = paths_named(&doc);
    assert!(
        named.len() > 50,
        "{DOC} names only {} paths: {named:?}",
        named.len()
    );
    let gone: Vec<&String> = named.iter().filter(|p| !root().join(p).exists()).collect();
    assert!(
        gone.is_empty(),
        "{DOC} names paths that do not exist (moved or renamed? correct the map): {gone:?}"
    );
}

#[test]
fn every_rule_and_invariant_has_a_row_where_it_is_decided() {
    let rows = table_rows(&doc());
    let listed: BTreeSet<String> = rows.iter().flat_map(|(rule, _)| ids_in(rule)).collect();
    let expected = (1..=RULES)
        .map(|n| format!("R{n}"))
        .chain((1..=INVARIANTS).map(|n| format!("I{n}")));
    let absent: Vec<String> = expected.filter(|id| !listed.contains(id)).collect();
    assert!(
        absent.is_empty(),
        "{DOC}, \"{TABLE}\", has no row for {absent:?}"
    );
    let empty: Vec<&String> = rows
        .iter()
        .filter(|(_, decided)| spans(decided).is_empty())
        .map(|(rule, _)| rule)
        .collect();
    assert!(empty.is_empty(), "rows naming no file or code: {empty:?}");
}

#[test]
fn every_function_and_type_the_table_names_is_where_it_says() {
    let sources: String = crate_files()
        .iter()
        .map(|f| code_of(&read(&root().join(f))))
        .collect::<Vec<_>>()
        .join("\n");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (rule, decided) in table_rows(&doc()) {
        // The file named last before a name; none yet: any source.
        let mut file: Option<(String, String)> = None;
        for span in spans(&decided) {
            if span.contains('/') || span.ends_with(".rs") {
                let path = root().join(span);
                let code = if path.is_file() {
                    code_of(&read(&path))
                } else {
                    wrong.push(format!("{rule}: `{span}` is not a file"));
                    String::new()
                };
                file = Some((span.to_owned(), code));
            } else if let Some(segments) = code_name(span) {
                checked += 1;
                let (place, code) = match &file {
                    Some((path, code)) => (path.as_str(), code.as_str()),
                    None => ("the crates' sources", sources.as_str()),
                };
                let absent = missing(code, &segments);
                if !absent.is_empty() {
                    wrong.push(format!("{rule}: `{span}` ({absent:?}) is not in {place}"));
                }
            } else {
                wrong.push(format!(
                    "{rule}: `{span}` is neither a path nor a function or type; \
                     say it without backticks"
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} names checked");
    assert!(
        wrong.is_empty(),
        "{DOC}, \"{TABLE}\", is wrong (moved or renamed? correct the map):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_module_file_is_on_the_map() {
    let named = paths_named(&doc());
    let absent: Vec<PathBuf> = crate_files()
        .into_iter()
        .filter(|f| !named.contains(&f.to_string_lossy().replace('\\', "/")))
        .collect();
    assert!(
        absent.is_empty(),
        "module files {DOC} does not name (add a line to its module list): {absent:?}"
    );
}

#[test]
fn the_parsers_find_what_they_should() {
    let text = "see `domain/src/rules/residence.rs` `check_residence`, \
                (api/src/usecases/) and migrations/sqlite. Not ../x/api/src/y";
    let named = paths_named(text);
    assert!(named.contains("domain/src/rules/residence.rs"), "{named:?}");
    assert!(named.contains("api/src/usecases/"), "{named:?}");
    assert!(named.contains("migrations/sqlite"), "{named:?}");
    assert_eq!(named.len(), 3, "{named:?}");
    assert_eq!(ids_in("I1, I2 capacity; R19 holds"), ["I1", "I2", "R19"]);
    assert!(ids_in("ROUTE I5x").is_empty());
    assert_eq!(
        code_name("Store::lock_office_days"),
        Some(vec!["Store", "lock_office_days"])
    );
    assert_eq!(code_name("Authorized<Policy>"), Some(vec!["Authorized"]));
    assert_eq!(code_name("status = 'confirmed'"), None);
    let code = "pub fn check_residence(x: u8) {}\nstruct Store;\n// fn ghost()";
    assert!(missing(&code_of(code), &["Store", "check_residence"]).is_empty());
    assert_eq!(missing(&code_of(code), &["ghost"]), ["ghost"]);
    assert_eq!(missing(code, &["check"]), ["check"]);
}
