//! The learner's language on the command line: `--lang`, else the POSIX locale environment; the Items lab in
//! English and Spanish, graded offline from a shipped snapshot.

use std::process::Command;

use crate::common::{Output, run};

const CASE: &str = "checks/apigw-items/cases/not-redeployed.json";

/// `labcheck run` of the shipped case, with exactly `env` as the locale environment.
fn grade(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_labcheck"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "checks/apigw-items", "--from", CASE])
        .args(args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    run(cmd)
}

fn report(out: &Output) -> labcheck::model::Report {
    assert_eq!(out.code, 1, "the case fails 5 checks: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn lang_gives_titles_messages_and_hints_in_spanish() {
    let spanish = report(&grade(&["--lang", "es", "--format", "json"], &[]));
    let english = report(&grade(&["--format", "json"], &[]));
    assert_eq!((spanish.lang.as_str(), english.lang.as_str()), ("es", "en"));
    assert_eq!(spanish.lab.title, "API Gateway y Lambda: la API Items");
    let check = |report: &labcheck::model::Report| {
        report.checks.iter().find(|c| c.id == "unauthenticated-get-forbidden").unwrap().clone()
    };
    let (es, en) = (check(&spanish), check(&english));
    assert_eq!(es.title, "Un GET sin autenticar está prohibido");
    assert!(
        es.message.starts_with("sin clave de API, GET /items y GET /items/{ID} en dev y prod respondieron 200"),
        "{}",
        es.message
    );
    assert!(es.hint.as_deref().unwrap().starts_with("Clave de API obligatoria solo surte efecto"), "{es:?}");
    assert!(en.message.starts_with("without an API key, GET /items and GET /items/{ID} on dev and prod answered 200"));
    // Only the words change: the same verdicts, points and evidence.
    let verdicts = |r: &labcheck::model::Report| -> Vec<_> {
        r.checks.iter().map(|c| (c.id.clone(), c.status, c.points, c.evidence.clone())).collect()
    };
    assert_eq!(verdicts(&spanish), verdicts(&english));
}

#[test]
fn the_locale_environment_picks_the_language_and_lang_overrides_it() {
    let lang_of =
        |args: &[&str], env: &[(&str, &str)]| report(&grade(&[&["--format", "json"], args].concat(), env)).lang;
    assert_eq!(lang_of(&[], &[("LANG", "es_ES.UTF-8")]), "es");
    assert_eq!(lang_of(&[], &[("LANG", "es_AR.UTF-8"), ("LC_ALL", "C.UTF-8")]), "en", "LC_ALL wins, and C is none");
    assert_eq!(lang_of(&[], &[("LC_MESSAGES", "es_MX"), ("LANG", "en_US.UTF-8")]), "es");
    assert_eq!(lang_of(&[], &[("LANG", "fr_FR.UTF-8")]), "en", "a language the lab lacks: the lab's own");
    assert_eq!(lang_of(&["--lang", "en"], &[("LANG", "es_ES.UTF-8")]), "en");
}

#[test]
fn the_checklist_speaks_spanish_around_the_lab_texts_too() {
    let out = grade(&["--lang", "es-ES", "--step", "api-keys", "--stats"], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let text = &out.stdout;
    for expected in [
        "Crear claves de API y planes de uso",
        "      pista: Clave de API obligatoria",
        "Puntuación 4/5 · 4 superadas, 1 fallida",
        "Llamadas a la API de AWS: 0 (ninguna)",
    ] {
        assert!(text.contains(expected), "`{expected}` not in:\n{text}");
    }
    for english in ["Score", "hint:", "passed", "failed", "account "] {
        assert!(!text.contains(english), "`{english}` left in English:\n{text}");
    }
}

#[test]
fn every_format_carries_the_language() {
    for (format, expected) in [
        ("markdown", "| | Comprobación | Puntos | Detalles |"),
        ("html", "<html lang=\"es\">"),
        ("github", "::error title=apigw-items%3A Un GET sin autenticar está prohibido falló::"),
        ("gradescope", "Pista: Clave de API obligatoria"),
        ("junit", "Un GET sin autenticar está prohibido"),
        ("tap", "Un GET sin autenticar está prohibido"),
    ] {
        let out = grade(&["--lang", "es", "--format", format], &[]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.contains(expected), "{format}: `{expected}` not in:\n{}", out.stdout);
    }
}

#[test]
fn a_bad_language_tag_is_a_usage_error() {
    let out = grade(&["--lang", "e s"], &[]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("--lang") && out.stderr.contains("`e s` is not a language tag"), "{}", out.stderr);
}

#[test]
fn list_and_explain_follow_the_language() {
    let mut list = Command::new(env!("CARGO_BIN_EXE_labcheck"));
    list.env_clear().current_dir(env!("CARGO_MANIFEST_DIR")).args(["list", "checks/apigw-items"]).env("LANG", "es_ES");
    let out = run(list);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("API Gateway y Lambda: la API Items (apigw-items) · 26 checks · 26 points · en, es")
    );
    let mut explain = Command::new(env!("CARGO_BIN_EXE_labcheck"));
    explain.env_clear().current_dir(env!("CARGO_MANIFEST_DIR"));
    explain.args(["explain", "checks/apigw-items", "usage-plan-created", "--lang", "es"]);
    let out = run(explain);
    assert!(out.stdout.contains("  hint:      En la consola de API Gateway abre Planes de uso"), "{}", out.stdout);
}
