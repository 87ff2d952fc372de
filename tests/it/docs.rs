//! The book (`docs/`) built by mdBook (pinned, installed by scripts/test.sh into .emulators/mdbook): the build is
//! clean, and every link inside it reaches a page that exists and, with a `#fragment`, an element with that id.
//! That the generated pages are current is held elsewhere: the validators reference by a unit test of
//! `labcheck validators --markdown`, the OpenAPI document by `openapi::the_openapi_document_is_valid...`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

fn mdbook() -> PathBuf {
    common::repo_path(".emulators/mdbook/bin/mdbook")
}

/// Builds the book into a temporary folder; the build's log must hold no warning or error.
fn build() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(mdbook())
        .arg("build")
        .arg(common::repo_path("docs"))
        .arg("--dest-dir")
        .arg(out.path())
        .output()
        .expect("scripts/test.sh installs mdbook into .emulators/mdbook");
    let log = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "mdbook build failed:\n{log}");
    let complaints: Vec<&str> = log.lines().filter(|l| l.contains("WARN") || l.contains("ERROR")).collect();
    assert!(complaints.is_empty(), "mdbook build warned:\n{}", complaints.join("\n"));
    out
}

fn html_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "html") {
            found.push(path);
        }
    }
}

/// The values of every `href="..."` and `src="..."` in a page.
fn links(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for (at, _) in page.match_indices(attribute) {
            let rest = &page[at + attribute.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    found
}

/// A link that leaves the book (a scheme, or a protocol-relative address) is not checked here.
fn leaves_the_book(link: &str) -> bool {
    link.starts_with("//") || link.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/'))
}

fn has_id(page: &str, id: &str) -> bool {
    page.contains(&format!("id=\"{id}\""))
}

/// Each broken link of `pages` (every HTML page of the book) as `page: link (why)`.
fn broken_links(root: &Path, pages: &HashMap<PathBuf, String>) -> Vec<String> {
    let mut broken = Vec::new();
    for (file, page) in pages {
        if file.ends_with("404.html") {
            continue; // mdBook's 404 page links from the site's root, wherever the book is served
        }
        for link in links(page) {
            if leaves_the_book(&link) || link.is_empty() {
                continue;
            }
            let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                file.clone()
            } else {
                let joined = file.parent().unwrap().join(path);
                std::fs::canonicalize(&joined).unwrap_or(joined)
            };
            let shown = file.strip_prefix(root).unwrap_or(file).display();
            if !target.starts_with(root) {
                broken.push(format!("{shown}: {link} (outside the book)"));
            } else if !target.exists() {
                broken.push(format!("{shown}: {link} (no such file)"));
            } else if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let text =
                    pages.get(&target).cloned().unwrap_or_else(|| std::fs::read_to_string(&target).unwrap_or_default());
                if target.extension().is_some_and(|e| e == "html") && !has_id(&text, fragment) {
                    broken.push(format!("{shown}: {link} (no element with id {fragment})"));
                }
            }
        }
    }
    broken.sort();
    broken
}

#[test]
fn the_book_builds_cleanly_and_every_link_inside_it_resolves() {
    let out = build();
    let root = std::fs::canonicalize(out.path()).unwrap();
    let mut files = Vec::new();
    html_files(&root, &mut files);
    let pages: HashMap<PathBuf, String> =
        files.into_iter().map(|f| (f.clone(), std::fs::read_to_string(&f).unwrap())).collect();
    for chapter in ["introduction.html", "reference/validators.html", "service/serve.html", "start/student.html"] {
        assert!(pages.contains_key(&root.join(chapter)), "the book lacks {chapter}");
    }
    assert!(root.join("service/openapi.json").exists(), "the book carries the OpenAPI document it links to");
    let links_seen: usize = pages.values().map(|p| links(p).len()).sum();
    assert!(links_seen > 500, "the checker found only {links_seen} links: it reads the pages wrong");
    let broken = broken_links(&root, &pages);
    assert!(broken.is_empty(), "{} broken links in the book:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn the_link_checker_finds_a_missing_page_and_a_missing_fragment() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let page = |body: &str| format!("<html><body><h1 id=\"top\">t</h1>{body}</body></html>");
    let mut pages = HashMap::new();
    pages.insert(
        root.join("a.html"),
        page(r##"<a href="b.html#top">ok</a><a href="b.html#gone">x</a><a href="c.html">x</a><a href="https://e.x/">out</a><a href="#top">ok</a>"##),
    );
    pages.insert(root.join("b.html"), page(""));
    for (path, text) in &pages {
        std::fs::write(path, text).unwrap();
    }
    assert_eq!(
        broken_links(&root, &pages),
        ["a.html: b.html#gone (no element with id gone)", "a.html: c.html (no such file)"]
    );
}
