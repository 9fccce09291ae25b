//! The domain's modules form layers: a lifecycle or a helper lives low and is called from above,
//! never calls back up. This test reads `domain/src/**/*.rs`, builds the graph of `crate::…` and
//! `super::…` paths between modules (one node per file; `entities` is one node, since entities
//! only describe tables) and fails, naming the cycle, when there is one.
//!
//! It also holds the leaves to being leaves: the modules listed in [`LEAVES`] may use only other
//! leaves, so nothing they call can reach back into the services above them.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// Modules every service may use and that use no service: shared helpers, data, lifecycles.
const LEAVES: &[&str] = &[
    "actor",
    "clock",
    "db",
    "entities",
    "error",
    "login_state",
    "passwords",
    "text",
    "throttle",
    "tokens",
    "vocabulary",
    "projects::status",
    "votes::rules",
    "evaluations::grade",
    "followup::colour",
];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `votes/service.rs` → `["votes", "service"]`; `votes/mod.rs` → `["votes"]`; `lib.rs` → `[]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The code a module runs in production: comments and the `#[cfg(test)]` tail removed (tests may
/// reach anywhere, and their `super::` means the file itself).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Reads a use tree (`a::b::{c, d::{e}}`) starting at `i`; pushes every full path found.
fn read_tree(
    chars: &[char],
    mut i: usize,
    prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '{' {
            i += 1;
            loop {
                while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                    i += 1;
                }
                if i >= chars.len() || chars[i] == '}' {
                    return i + 1;
                }
                i = read_tree(chars, i, path.clone(), out);
            }
        }
        let start = i;
        while i < chars.len() && (is_ident_char(chars[i]) || chars[i] == '*') {
            i += 1;
        }
        if start == i {
            out.push(path);
            return i;
        }
        path.push(chars[start..i].iter().collect());
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if rest == "::" {
            i += 2;
        } else {
            out.push(path);
            // Skip an `as alias`, and stop at the end of this branch.
            while i < chars.len() && !matches!(chars[i], ',' | '}' | ';' | '(' | ')') {
                if chars[i] == '{' {
                    break;
                }
                i += 1;
            }
            return i;
        }
    }
}

/// Every `crate::…` and `super::…` path in the code, made absolute.
fn paths_in(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let before_ok = i == 0 || (!is_ident_char(chars[i - 1]) && chars[i - 1] != ':');
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        if before_ok && rest == "crate::" {
            i = read_tree(&chars, i + 7, Vec::new(), &mut out);
        } else if before_ok && rest.starts_with("super::") {
            let mut base: Vec<String> = here.to_vec();
            let mut j = i;
            loop {
                let s: String = chars[j..chars.len().min(j + 7)].iter().collect();
                if s != "super::" {
                    break;
                }
                base.pop();
                j += 7;
            }
            i = read_tree(&chars, j, base, &mut out);
        } else {
            i += 1;
        }
    }
    out
}

/// The graph node of a module: entities collapse into one.
fn node(module: &[String]) -> String {
    if module.first().is_some_and(|m| m == "entities") {
        return "entities".to_owned();
    }
    module.join("::")
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let texts: Vec<(Vec<String>, String)> = files
        .iter()
        .map(|f| {
            (
                module_path(&src, f),
                fs::read_to_string(f).expect("read file"),
            )
        })
        .collect();
    let modules: BTreeSet<Vec<String>> = texts.iter().map(|(m, _)| m.clone()).collect();
    // What the crate root re-exports (`pub use actor::{Actor, Role}`) and the macros it exports.
    let mut root_names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (module, text) in &texts {
        let code = code_of(text);
        if module.is_empty() {
            for line in code
                .lines()
                .filter(|l| l.trim_start().starts_with("pub use "))
            {
                let tree = line.trim_start().trim_start_matches("pub use ");
                let chars: Vec<char> = tree.chars().collect();
                let mut found = Vec::new();
                read_tree(&chars, 0, Vec::new(), &mut found);
                for p in found {
                    if let Some((name, owner)) = p.split_last() {
                        root_names.insert(name.clone(), owner.to_vec());
                    }
                }
            }
        }
        for line in code.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("macro_rules! ") {
                let name: String = rest.chars().take_while(|&c| is_ident_char(c)).collect();
                root_names.insert(name, module.clone());
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &texts {
        if module.is_empty() {
            continue;
        }
        let from = node(module);
        let targets = edges.entry(from.clone()).or_default();
        for path in paths_in(&code_of(text), module) {
            // The longest prefix that is a module file; a root name resolves through lib.rs.
            let mut target: Option<Vec<String>> = None;
            for n in (1..=path.len()).rev() {
                if modules.contains(&path[..n]) {
                    target = Some(path[..n].to_vec());
                    break;
                }
            }
            let target = match target {
                Some(t) => t,
                None => match path.first().and_then(|n| root_names.get(n)) {
                    Some(owner) => owner.clone(),
                    None => continue,
                },
            };
            let to = node(&target);
            // A module may use its own descendants (a parent re-exporting its parts) and itself.
            if to != from && !to.starts_with(&format!("{from}::")) {
                targets.insert(to);
            }
        }
    }
    edges
}

/// A cycle in the graph, as the list of modules around it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(n.to_owned(), Mark::Active);
        stack.push(n.to_owned());
        for m in edges.get(n).into_iter().flatten() {
            match marks.get(m.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Active => {
                    let start = stack.iter().position(|s| s == m).expect("on stack");
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(m, edges, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(n.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in edges.keys() {
        if marks.get(n.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, edges, &mut marks, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn domain_modules_import_each_other_without_a_cycle() {
    let edges = graph();
    assert!(
        edges.contains_key("votes::service"),
        "the reader found the modules"
    );
    assert!(
        edges["votes::service"].contains("sessions"),
        "the reader found the imports: {:?}",
        edges["votes::service"]
    );
    if let Some(cycle) = find_cycle(&edges) {
        panic!(
            "domain modules import each other in a cycle: {}\n\
             Move the shared part into a leaf module that both call (see STYLE.md, \
             \"No circles between domain modules\").",
            cycle.join(" → ")
        );
    }
}

#[test]
fn leaf_modules_use_only_leaves() {
    let edges = graph();
    let mut wrong = Vec::new();
    for leaf in LEAVES {
        let Some(targets) = edges.get(*leaf) else {
            panic!("{leaf} is listed as a leaf but no such module was found");
        };
        for t in targets {
            if !LEAVES.contains(&t.as_str()) {
                wrong.push(format!("{leaf} → {t}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "leaf modules call back up into services: {}",
        wrong.join(", ")
    );
}

#[test]
fn the_reader_sees_a_planted_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    edges.entry("c".into()).or_default().insert("a".into());
    let cycle = find_cycle(&edges).expect("a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4);

    let here = vec!["followup".to_owned(), "view".to_owned()];
    let found = paths_in(
        "use crate::{Actor, votes::{rules::X, service::{self as s, Y}}};\nuse super::problems::Z;\nlet t = crate::clock::today();",
        &here,
    );
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert!(joined.contains(&"Actor".to_owned()), "{joined:?}");
    assert!(joined.contains(&"votes::rules::X".to_owned()), "{joined:?}");
    assert!(
        joined.contains(&"votes::service::self".to_owned()),
        "{joined:?}"
    );
    assert!(
        joined.contains(&"votes::service::Y".to_owned()),
        "{joined:?}"
    );
    assert!(
        joined.contains(&"followup::problems::Z".to_owned()),
        "{joined:?}"
    );
    assert!(joined.contains(&"clock::today".to_owned()), "{joined:?}");
}
