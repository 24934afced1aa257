//! The root crate's modules are layers: no module imports one that imports
//! it back, directly or through others ("No import circles inside a crate
//! either", shared/design.md). Read from the source: each top-level
//! module's `crate::…` paths outside comments and unit tests, with the
//! crate root's re-exports (`crate::Error`, `crate::RetryPolicy`…) counted
//! as the modules they come from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit tests (a
/// `#[cfg(test)]` module, other attributes between them allowed).
fn code_of(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    let mut code = String::new();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("#[cfg(test)]") || line.starts_with("#[cfg(all(test") {
            let item = lines[i + 1..].iter().find(|l| !l.starts_with("#["));
            if item.is_some_and(|l| l.starts_with("mod ")) {
                break;
            }
        }
        code.push_str(line.find("//").map_or(line, |at| &line[..at]));
        code.push('\n');
    }
    code
}

/// The first segments of every `crate::` path in `code`, groups expanded.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

/// Module → the modules it imports.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let stem = name.strip_suffix(".rs")?.to_owned();
            (stem != "lib").then_some(stem)
        })
        .collect();
    // `pub use module::{A, B};` in lib.rs: `crate::A` is `module`.
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut reexported: BTreeMap<String, String> = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.trim_end_matches(';').split_once("::") else {
            continue;
        };
        if !modules.contains(module) {
            continue;
        }
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            reexported.insert(item.trim().to_owned(), module.to_owned());
        }
    }
    let mut graph = BTreeMap::new();
    for module in &modules {
        let mut files = vec![src.join(format!("{module}.rs"))];
        rust_files(&src.join(module), &mut files);
        let mut deps = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for name in crate_paths(&code_of(&text)) {
                let target = if modules.contains(&name) {
                    Some(name)
                } else {
                    reexported.get(&name).cloned()
                };
                if let Some(target) = target.filter(|t| t != module) {
                    deps.insert(target);
                }
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

/// A circle through `start`, if there is one.
fn circle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = module_graph();
    // The reading works: the modules and some of the edges design.md names.
    assert!(graph["client"].contains("transport"), "{graph:?}");
    assert!(graph["transport"].contains("error"), "{graph:?}");
    assert!(graph["transport"].contains("request"), "{graph:?}");
    let circles: Vec<String> = graph
        .keys()
        .filter_map(|m| circle_from(&graph, m))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(circles.is_empty(), "import circles: {circles:#?}");
    // Retry classification lives with the error; header checks with the
    // request: neither needs the transport that sends.
    assert!(!graph["error"].contains("transport"), "{graph:?}");
    assert!(!graph["request"].contains("transport"), "{graph:?}");
}
