//! Gathers the message catalogues for `i18n::CATALOGUES`: for each language, labcheck's own sentences
//! (`src/i18n/<tag>.ftl`, English first) and then every provider's (`src/providers/**/<tag>.ftl`, beside its
//! validators). A new provider's sentences need no line anywhere; a new language is a file in each folder.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=src/i18n");
    println!("cargo:rerun-if-changed=src/providers");
    let mut tags: Vec<String> = ftl_files(&root.join("src/i18n")).into_iter().map(|(tag, _)| tag).collect();
    tags.sort_by_key(|tag| (tag != "en", tag.clone()));
    let mut folders = Vec::new();
    folders_with_english(&root.join("src/providers"), &mut folders);
    folders.sort();
    let mut out =
        String::from("/// Every catalogue, English (the one every other falls back to) first: its sources in order.\n");
    out.push_str("pub const CATALOGUES: &[(&str, &[Source])] = &[\n");
    for tag in &tags {
        let _ = writeln!(out, "    ({tag:?}, &[");
        let own = root.join("src/i18n");
        for folder in std::iter::once(&own).chain(&folders) {
            let file = folder.join(format!("{tag}.ftl"));
            if file.is_file() {
                let path = file.strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/");
                let absolute = file.to_string_lossy();
                let _ = writeln!(out, "        Source {{ path: {path:?}, text: include_str!({absolute:?}) }},");
            }
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalogues.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}

/// The `<tag>.ftl` files of `dir`, as (tag, path).
fn ftl_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    entries
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
        .map(|path| (path.file_stem().expect("a file name").to_string_lossy().into_owned(), path))
        .collect()
}

/// Every folder under `dir` with an `en.ftl`.
fn folders_with_english(dir: &Path, found: &mut Vec<PathBuf>) {
    if dir.join("en.ftl").is_file() {
        found.push(dir.to_owned());
    }
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a readable folder").path();
        if path.is_dir() {
            folders_with_english(&path, found);
        }
    }
}
