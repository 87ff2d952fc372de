use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use super::*;

fn locale(tag: &str) -> Locale {
    tag.parse().unwrap()
}

/// Each message of a catalogue with the variables it uses.
fn messages(source: &'static str) -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| panic!("{errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            ast::Entry::Message(message) => {
                let mut variables = BTreeSet::new();
                if let Some(pattern) = &message.value {
                    pattern_variables(pattern, &mut variables);
                }
                out.insert(message.id.name, variables);
            }
            ast::Entry::Junk { content } => panic!("junk in a catalogue: {content}"),
            ast::Entry::Term(_)
            | ast::Entry::Comment(_)
            | ast::Entry::GroupComment(_)
            | ast::Entry::ResourceComment(_) => {}
        }
    }
    out
}

fn pattern_variables<'s>(pattern: &ast::Pattern<&'s str>, out: &mut BTreeSet<&'s str>) {
    for element in &pattern.elements {
        match element {
            ast::PatternElement::Placeable { expression } => expression_variables(expression, out),
            ast::PatternElement::TextElement { .. } => {}
        }
    }
}

fn expression_variables<'s>(expression: &ast::Expression<&'s str>, out: &mut BTreeSet<&'s str>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            variants.iter().for_each(|v| pattern_variables(&v.value, out));
        }
        ast::Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables<'s>(inline: &ast::InlineExpression<&'s str>, out: &mut BTreeSet<&'s str>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name);
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        ast::InlineExpression::StringLiteral { .. }
        | ast::InlineExpression::NumberLiteral { .. }
        | ast::InlineExpression::FunctionReference { .. }
        | ast::InlineExpression::MessageReference { .. }
        | ast::InlineExpression::TermReference { .. } => {}
    }
}

/// The messages of a whole catalogue (every file of one language), each in one file only.
fn catalogue(sources: &[Source]) -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let mut all = BTreeMap::new();
    for source in sources {
        for (id, variables) in messages(source.text) {
            assert!(all.insert(id, variables).is_none(), "`{id}` is in {} and in another file", source.path);
        }
    }
    all
}

/// Every catalogue has every English message, in the same folder's file, with the same variables, and nothing
/// English lacks: a sentence cannot silently fall back to English or lose a fact, and a service's sentences stay
/// with it in every language.
#[test]
fn every_catalogue_matches_the_english_one() {
    let (_, english) = CATALOGUES[0];
    catalogue(english);
    for (tag, sources) in &CATALOGUES[1..] {
        catalogue(sources);
        for theirs in *sources {
            let english_path = theirs.path.replace(&format!("/{tag}.ftl"), "/en.ftl");
            assert!(english.iter().any(|e| e.path == english_path), "{} has no English {english_path}", theirs.path);
        }
        for source in english {
            let path = source.path.replace("/en.ftl", &format!("/{tag}.ftl"));
            let Some(theirs) = sources.iter().find(|s| s.path == path) else { panic!("{path} is missing") };
            let translated = messages(theirs.text);
            for (id, variables) in messages(source.text) {
                let Some(their_variables) = translated.get(id) else { panic!("{path} lacks `{id}`") };
                assert_eq!(their_variables, &variables, "{path}: `{id}` uses other variables than English");
            }
            for id in translated.keys() {
                assert!(messages(source.text).contains_key(id), "{path} has `{id}`, which {} does not", source.path);
            }
        }
    }
}

/// Each `msg!("id", a, b = ..)` in the sources names an English message that uses exactly those variables.
#[test]
fn every_message_the_code_builds_is_in_the_catalogue() {
    let english = catalogue(CATALOGUES[0].1);
    let mut used = 0;
    let mut files = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || path.parent().is_some_and(|p| p.ends_with("i18n")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for call in text.split("msg!(").skip(1) {
            let Some(rest) = call.trim_start().strip_prefix('"') else { continue };
            let id = rest.split('"').next().unwrap();
            let args = arguments(&rest[id.len() + 1..]);
            let Some(variables) = english.get(id) else {
                panic!("{}: message `{id}` is in no English catalogue file", path.display())
            };
            let variables: BTreeSet<String> = variables.iter().map(|v| (*v).to_owned()).collect();
            assert_eq!(args, variables, "{}: `{id}` is given other arguments than English uses", path.display());
            used += 1;
        }
    }
    assert!(used > 100, "found only {used} messages: is the scan broken?");
}

/// The argument names of a `msg!` call, from just after its id to its closing parenthesis.
fn arguments(call: &str) -> BTreeSet<String> {
    let mut depth = 0;
    let mut end = call.len();
    for (at, c) in call.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                end = at;
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    let mut depth = 0;
    let mut start = 0;
    let body = &call[..end];
    let mut parts = Vec::new();
    for (at, c) in body.char_indices() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    for part in parts {
        let name = part.split('=').next().unwrap().trim();
        if !name.is_empty() {
            names.insert(name.to_owned());
        }
    }
    names
}

#[test]
fn lists_and_plurals_follow_the_language() {
    let one = msg!("resources-missing", name = "ItemsAPI", count = 1, paths = and(["/items"]));
    let three = msg!("resources-missing", name = "ItemsAPI", count = 3, paths = and(["/a", "/b", "/c"]));
    assert_eq!(one.render(&locale("en")), "ItemsAPI has no resource /items");
    assert_eq!(three.render(&locale("en")), "ItemsAPI has no resources /a, /b and /c");
    assert_eq!(one.render(&locale("es")), "ItemsAPI no tiene el recurso /items");
    assert_eq!(three.render(&locale("es")), "ItemsAPI no tiene los recursos /a, /b y /c");
}

#[test]
fn nested_messages_and_clauses_render_in_the_same_language() {
    let missing = msg!("method-missing-verb", method = "GET /items", verb = "GET");
    let message = msg!("on-api", name = "ItemsAPI", problems = clauses([missing.clone(), missing]));
    let spanish = message.render(&locale("es"));
    assert_eq!(
        spanish,
        "en ItemsAPI: GET /items no existe (no hay método GET); GET /items no existe (no hay método GET)"
    );
}

#[test]
fn facts_are_shown_as_they_are() {
    // Braces, dollar signs and bidi controls from the account pass through untouched (formats escape them).
    let name = "{$x} \u{202e}evil";
    assert_eq!(msg!("rest-api-missing", name).render(&locale("en")), format!("there is no REST API named {name}"));
}

#[test]
fn a_language_without_a_catalogue_gets_english() {
    let message = msg!("rest-api-missing", name = "ItemsAPI");
    assert_eq!(message.render(&locale("fr")), "there is no REST API named ItemsAPI");
    assert_eq!(message.render(&locale("es-MX")), "no hay ninguna API REST llamada ItemsAPI");
}

#[test]
fn negotiation_picks_the_closest_language_the_lab_has() {
    let available = [locale("en"), locale("es")];
    let english = locale("en");
    assert_eq!(negotiate(&[locale("es-MX")], &available, &english), locale("es"));
    assert_eq!(negotiate(&[locale("fr"), locale("es")], &available, &english), locale("es"));
    assert_eq!(negotiate(&[locale("fr")], &available, &english), english);
    assert_eq!(negotiate(&[], &available, &english), english);
}

#[test]
fn accept_language_is_ordered_by_quality() {
    let asked = accept_language("en;q=0.5, es-MX, fr;q=0.8, *;q=0.1, de;q=0, xx-!!;q=0.9");
    assert_eq!(asked, vec![locale("es-MX"), locale("fr"), locale("en")]);
    assert!(accept_language("").is_empty());
    assert!(accept_language(&"a,".repeat(10_000)).len() <= 32);
}

#[test]
fn the_posix_environment_names_the_language() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    };
    assert_eq!(from_environment(env(&[("LANG", "es_ES.UTF-8")])), vec![locale("es-ES")]);
    assert_eq!(from_environment(env(&[("LANG", "es_ES.UTF-8"), ("LC_ALL", "pt_BR")])), vec![locale("pt-BR")]);
    assert_eq!(from_environment(env(&[("LC_MESSAGES", "de_DE@euro"), ("LANG", "fr")])), vec![locale("de-DE")]);
    assert!(from_environment(env(&[("LANG", "C.UTF-8")])).is_empty());
    assert!(from_environment(env(&[("LANG", "POSIX")])).is_empty());
    assert!(from_environment(env(&[])).is_empty());
}

#[test]
fn tags_are_checked() {
    assert_eq!(parse_tag("pt_BR").unwrap(), locale("pt-BR"));
    assert!(parse_tag("").is_err());
    assert!(parse_tag("not a tag").is_err());
}

#[test]
fn a_text_falls_back_to_the_labs_language() {
    let by_tag = BTreeMap::from([("en".to_owned(), "Create it".to_owned()), ("es".to_owned(), "Créala".to_owned())]);
    let text = Text::from_raw(RawText::ByLanguage(by_tag.clone()), &locale("en")).unwrap();
    assert_eq!(text.get(&locale("es")), "Créala");
    assert_eq!(text.get(&locale("es-AR")), "Créala");
    assert_eq!(text.get(&locale("fr")), "Create it");
    assert_eq!(text.get(&locale("en")), "Create it");
    let spanish_lab = Text::from_raw(RawText::ByLanguage(by_tag), &locale("de")).unwrap_err();
    assert_eq!(spanish_lab, TextError::NoDefault(locale("de")));
}
