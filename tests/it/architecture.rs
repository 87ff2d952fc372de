//! The house's rules, read from the code: which top-level module of `src/` names which (`crate::NAME` in code, not
//! in comments). Domains never reach up to the HTTP layer or the commands, the stores' plumbing names no domain,
//! the AWS plumbing names no provider, the report model and the facts name no lab and no provider, the commands
//! never name the command line, no circle appears, and the book's architecture page draws the
//! arrows the code has (`LABCHECK_BLESS_ARCHITECTURE=1` redraws it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common;

type Arrows = BTreeMap<String, BTreeSet<String>>;

/// The domains: types, rules and their own port on the stores.
const DOMAINS: &[&str] = &["progress", "sessions", "lti", "cohort", "privacy"];

/// The circles not broken yet, each as its modules: none. A circle not listed here fails the test; a listed one
/// that is gone does too, so the list only shrinks.
const KNOWN_CIRCLES: &[&[&str]] = &[];

/// The top-level modules of `src/`: its folders and files, but the crate roots and the binaries.
fn modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_stem()?.to_str()?.to_owned();
            let module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
            (module && !["lib", "main", "bin"].contains(&name.as_str())).then_some(name)
        })
        .collect()
}

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Each module's arrows: the other modules its code names.
fn arrows() -> Arrows {
    let src = common::repo_path("src");
    let modules = modules(&src);
    let mut arrows: Arrows = modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_str().unwrap();
        let from = first.trim_end_matches(".rs");
        let Some(targets) = arrows.get_mut(from) else { continue };
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|line| !line.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if name != from && modules.contains(&name) {
                    targets.insert(name);
                }
            }
        }
    }
    arrows
}

/// Every module `from` reaches, itself excluded unless through a circle.
fn reached(arrows: &Arrows, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut next: Vec<&String> = arrows[from].iter().collect();
    while let Some(module) = next.pop() {
        if seen.insert(module.clone()) {
            next.extend(arrows[module].iter());
        }
    }
    seen
}

/// The circles: each set of modules that reach one another.
fn circles(arrows: &Arrows) -> BTreeSet<BTreeSet<String>> {
    let reach: BTreeMap<&String, BTreeSet<String>> = arrows.keys().map(|m| (m, reached(arrows, m))).collect();
    arrows
        .keys()
        .filter(|m| reach[m].contains(*m))
        .map(|m| arrows.keys().filter(|other| reach[m].contains(*other) && reach[other].contains(m)).cloned().collect())
        .collect()
}

fn named(arrows: &Arrows, from: &str, banned: &[&str]) -> Vec<String> {
    arrows[from].iter().filter(|to| banned.contains(&to.as_str())).cloned().collect()
}

#[test]
fn domains_never_reach_up_to_the_service_the_commands_or_the_composite_store() {
    let arrows = arrows();
    for domain in DOMAINS {
        let up = named(&arrows, domain, &["service", "commands", "cli", "store"]);
        assert!(up.is_empty(), "{domain} names {up:?}");
    }
}

#[test]
fn the_stores_plumbing_names_no_domain() {
    let arrows = arrows();
    let banned: Vec<&str> = DOMAINS.iter().copied().chain(["store", "service", "commands", "cli"]).collect();
    let up = named(&arrows, "db", &banned);
    assert!(up.is_empty(), "db names {up:?}");
}

#[test]
fn the_commands_never_name_the_command_line() {
    let arrows = arrows();
    assert!(named(&arrows, "commands", &["cli"]).is_empty(), "commands name cli");
}

#[test]
fn the_plumbing_under_the_providers_names_no_provider_nor_what_stands_on_them() {
    let arrows = arrows();
    let above = ["providers", "inventory", "validators", "engine", "grading", "lab", "snapshot", "mutate", "service"];
    let up = named(&arrows, "aws", &above);
    assert!(up.is_empty(), "aws names {up:?}");
}

#[test]
fn the_report_model_and_the_facts_name_no_lab_and_no_provider() {
    let arrows = arrows();
    for module in ["model", "facts"] {
        let up = named(&arrows, module, &["lab", "providers", "inventory", "aws"]);
        assert!(up.is_empty(), "{module} names {up:?}");
    }
}

#[test]
fn the_syntax_of_ids_stands_on_the_language_tags_alone() {
    let arrows = arrows();
    let names: Vec<&String> = arrows.get("ids").into_iter().flatten().filter(|m| m.as_str() != "i18n").collect();
    assert!(names.is_empty(), "ids names {names:?}");
}

#[test]
fn no_circle_but_the_known_ones() {
    let found = circles(&arrows());
    let known: BTreeSet<BTreeSet<String>> =
        KNOWN_CIRCLES.iter().map(|circle| circle.iter().map(|m| (*m).to_owned()).collect()).collect();
    assert_eq!(found, known, "circles between the top-level modules of src/ (update KNOWN_CIRCLES only to remove one)");
}

/// Each module's floor: 0 for one that names no other, else one above the highest it names (a circle is one room).
fn floors(arrows: &Arrows) -> BTreeMap<String, usize> {
    let circles = circles(arrows);
    let room = |m: &String| circles.iter().find(|c| c.contains(m)).cloned().unwrap_or_else(|| [m.clone()].into());
    let mut floors: BTreeMap<String, usize> = BTreeMap::new();
    // Longest path down, by repeated relaxation (a few dozen modules).
    for _ in 0..arrows.len() {
        for (module, targets) in arrows {
            let mine = room(module);
            let floor = targets
                .iter()
                .filter(|t| !mine.contains(*t))
                .map(|t| floors.get(t).copied().unwrap_or(0) + 1)
                .max()
                .unwrap_or(0);
            for member in &mine {
                let entry = floors.entry(member.clone()).or_insert(0);
                *entry = (*entry).max(floor);
            }
        }
    }
    floors
}

/// The arrows as the architecture page shows them: floor by floor from the top, each module with those it names.
fn drawing(arrows: &Arrows) -> String {
    let floors = floors(arrows);
    let top = floors.values().copied().max().unwrap_or(0);
    let mut text = String::new();
    for floor in (0..=top).rev() {
        for (module, _) in floors.iter().filter(|(_, f)| **f == floor) {
            let targets: Vec<&str> = arrows[module].iter().map(String::as_str).collect();
            let arrow = if targets.is_empty() { String::new() } else { format!(" -> {}", targets.join(", ")) };
            text.push_str(&format!("{floor:>2}  {module}{arrow}\n"));
        }
    }
    text
}

#[test]
fn the_architecture_page_draws_the_arrows_of_the_code() {
    const BEGIN: &str = "<!-- arrows: drawn by tests/it/architecture.rs -->\n```text\n";
    const END: &str = "```\n<!-- arrows end -->";
    let page_path = common::repo_path("docs/src/design/architecture.md");
    let page = std::fs::read_to_string(&page_path).unwrap();
    let start = page.find(BEGIN).expect("the page has the arrows' block") + BEGIN.len();
    let end = start + page[start..].find(END).expect("the arrows' block ends");
    let drawn = drawing(&arrows());
    if std::env::var_os("LABCHECK_BLESS_ARCHITECTURE").is_some() {
        std::fs::write(&page_path, format!("{}{drawn}{}", &page[..start], &page[end..])).unwrap();
        return;
    }
    assert_eq!(
        page[start..end],
        drawn,
        "the page's arrows differ from the code's: LABCHECK_BLESS_ARCHITECTURE=1 cargo test --test it architecture"
    );
}
