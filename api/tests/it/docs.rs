//! Docs that stay true: the one table of settings (docs/API.md, "Settings")
//! names exactly the variables the code reads, with the defaults the code
//! uses, and no other document keeps a table of its own; every relative link
//! of the README and docs/ points at a file inside the repository.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.rs` file under `dir`, with its text up to its inline test module
/// (`#[cfg(test)]` then `mod … {`, which in this workspace ends the file).
fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !path.to_string_lossy().contains("test_support")
        {
            let text = read(&path);
            let lines: Vec<&str> = text.lines().collect();
            let end = (0..lines.len())
                .find(|&i| {
                    lines[i].trim() == "#[cfg(test)]"
                        && lines[i + 1..]
                            .iter()
                            .find(|l| !l.trim().is_empty())
                            .is_some_and(|l| {
                                let l = l.trim();
                                l.starts_with("mod ") && !l.ends_with(';')
                            })
                })
                .unwrap_or(lines.len());
            out.push((path, lines[..end].join("\n")));
        }
    }
}

fn is_setting(name: &str) -> bool {
    let upper = name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    upper && (name.starts_with("TERMIN_") || name == "DATABASE_URL" || name == "RUST_LOG")
}

/// The variables the server reads: every string literal that is a setting's
/// name and nothing else (`non_empty("TERMIN_BIND")`, `var("…")`, a name in a
/// list of names), in the non-test code of the server's crates; and
/// `RUST_LOG` where the log filter comes from the environment.
fn read_by_the_code() -> (BTreeSet<String>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    for krate in ["api/src", "persistence/src", "domain/src"] {
        sources(&root().join(krate), &mut files);
    }
    let mut names = BTreeSet::new();
    for (_, text) in &files {
        for (i, part) in text.split('"').enumerate() {
            if i % 2 == 1 && is_setting(part) {
                names.insert(part.to_owned());
            }
        }
        if text.contains("from_default_env()") {
            names.insert("RUST_LOG".to_owned());
        }
    }
    (names, files)
}

/// The rows of the table under `## Settings` in docs/API.md: name, default.
fn documented() -> Vec<(String, String)> {
    let api = read(&root().join("docs/API.md"));
    let section = api
        .split("\n## Settings\n")
        .nth(1)
        .expect("docs/API.md has a section `## Settings`");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(" | ").collect();
            let name = cells.first()?.strip_prefix("| `")?.strip_suffix('`')?;
            Some((name.to_owned(), cells.get(1)?.trim().to_owned()))
        })
        .collect()
}

#[test]
fn the_settings_table_names_every_variable_the_code_reads_and_no_other() {
    let (read, _) = read_by_the_code();
    let rows = documented();
    let documented: BTreeSet<String> = rows.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(rows.len(), documented.len(), "a variable twice: {rows:?}");
    let undocumented: Vec<_> = read.difference(&documented).collect();
    let unread: Vec<_> = documented.difference(&read).collect();
    assert!(
        undocumented.is_empty() && unread.is_empty(),
        "read by the code but not in docs/API.md's table: {undocumented:?}; \
         in the table but read nowhere: {unread:?}"
    );
    assert!(read.len() >= 15, "found only {read:?}");
}

#[test]
fn the_settings_tables_defaults_are_the_codes() {
    use api::settings::Settings;
    let unset = format!("{:?}", Settings::from_lookup(|_| None).unwrap());
    let mut checked = 0;
    for (name, default) in documented() {
        // Only a default that is one literal value can be checked: not
        // "one per CPU", "none", "unset: …".
        let Some(value) = default
            .strip_prefix('`')
            .and_then(|d| d.strip_suffix('`'))
            .filter(|d| !d.contains('`'))
        else {
            continue;
        };
        if name == "RUST_LOG" {
            let (_, files) = read_by_the_code();
            let (path, text) = files
                .iter()
                .find(|(_, t)| t.contains("from_default_env()"))
                .unwrap();
            assert!(
                text.contains(&format!("EnvFilter::new(\"{value}\")")),
                "{} does not fall back to the log filter `{value}`",
                path.display()
            );
        } else {
            // A text default is written in the code as it is documented (the
            // comparison below cannot see into a value that prints redacted,
            // such as the database URL).
            if value.chars().any(|c| c.is_ascii_alphabetic()) {
                let (_, files) = read_by_the_code();
                assert!(
                    files
                        .iter()
                        .any(|(_, t)| t.contains(&format!("\"{value}\""))),
                    "{name}: the documented default `{value}` is nowhere in the code"
                );
            }
            // Setting the documented default changes nothing.
            let set = Settings::from_lookup(|n| (n == name).then(|| value.to_owned()))
                .unwrap_or_else(|e| panic!("{name}=`{value}` is refused: {e}"));
            assert_eq!(
                format!("{set:?}"),
                unset,
                "{name}: the documented default `{value}` is not the code's"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} defaults checked");
}

#[test]
fn only_docs_api_md_keeps_a_table_of_settings() {
    let mut files = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") && !path.ends_with("API.md") {
            files.push(path);
        }
    }
    for path in files {
        for line in read(&path).lines() {
            assert!(
                !(line.starts_with("| `TERMIN_") || line.starts_with("| `DATABASE_URL`")),
                "{} keeps a settings table of its own (link to docs/API.md#settings): {line}",
                path.display()
            );
        }
    }
}

#[test]
fn links_in_the_readme_and_docs_point_at_files_in_the_repository() {
    let root = root().canonicalize().unwrap();
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut broken = Vec::new();
    for path in files {
        let text = read(&path);
        for link in text.split("](").skip(1) {
            let Some(target) = link.split(')').next() else {
                continue;
            };
            let target = target.split('#').next().unwrap();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let resolved = path.parent().unwrap().join(target).canonicalize();
            if !resolved.is_ok_and(|p| p.starts_with(&root)) {
                broken.push(format!("{}: {target}", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to nothing or outside: {broken:?}");
}
