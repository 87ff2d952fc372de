//! The analysis as people and CI read it: human text, JSON (the [`super::Analysis`] as it is) and JUnit (a
//! testcase per check, failing when the check has no teeth). Rendering only: nothing is evaluated here.

use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{Analysis, Teeth};
use crate::report::text::printable;

/// A way to write the analysis.
pub struct MutateFormat {
    pub name: &'static str,
    pub write: fn(&Analysis) -> String,
}

/// Every format of `labcheck mutate --format`.
pub const FORMATS: &[MutateFormat] = &[
    MutateFormat { name: "human", write: human },
    MutateFormat { name: "json", write: json },
    MutateFormat { name: "junit", write: junit },
];

fn json(analysis: &Analysis) -> String {
    serde_json::to_string_pretty(analysis).expect("the analysis serializes") + "\n"
}

fn human(analysis: &Analysis) -> String {
    let mut out = String::new();
    let lab = printable(&analysis.lab);
    let _ = writeln!(
        out,
        "{lab}: {} mutants of {} case(s) ({}), seed {}, at most {} per collection of a case",
        analysis.mutants,
        analysis.cases.len(),
        analysis.cases.join(", "),
        analysis.seed,
        analysis.cap
    );
    for (case, collection, made, kept) in &analysis.capped {
        let _ = writeln!(out, "  capped: {case} {collection}: {kept} of {made} mutants graded");
    }
    let _ = writeln!(out, "\nkills per check (its own: they change what it judges)");
    let width = analysis.checks.iter().map(|t| t.id.len()).max().unwrap_or(0);
    for teeth in &analysis.checks {
        let _ = writeln!(out, "  {:width$}  {}", printable(&teeth.id), verdict(teeth));
    }
    let toothless: Vec<&Teeth> = analysis.toothless().collect();
    if !toothless.is_empty() {
        let _ = writeln!(out, "\nchecks with no teeth (no mutant of what they judge fails them)");
        for teeth in toothless {
            let passes = if teeth.passes_in.is_empty() {
                "passes in no case".to_owned()
            } else {
                format!("passes in {}", teeth.passes_in.join(", "))
            };
            let _ = writeln!(out, "  {}: reads {}; {passes}", printable(&teeth.id), teeth.reads.join(", "));
        }
    }
    if !analysis.uncaught.is_empty() {
        let _ = writeln!(out, "\nuncaught: fields whose changes no check notices");
        for uncaught in &analysis.uncaught {
            let accepted =
                uncaught.accepted.as_ref().map(|why| format!(" (accepted: {})", printable(why))).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}: {} mutant(s), e.g. {}{accepted}",
                printable(&uncaught.field),
                uncaught.mutants,
                printable(&uncaught.example)
            );
        }
    }
    if !analysis.errors.is_empty() {
        let _ = writeln!(
            out,
            "\nmutants that made a check error (a shape the reader cannot take, or a fact to not depend on)"
        );
        for erred in analysis.errors.iter().take(20) {
            let _ = writeln!(
                out,
                "  {} {}: {}: {}",
                printable(&erred.case),
                printable(&erred.check),
                printable(&erred.change),
                printable(&erred.message)
            );
        }
        if analysis.errors.len() > 20 {
            let _ = writeln!(out, "  ... and {} more (--format json lists them all)", analysis.errors.len() - 20);
        }
    }
    if !analysis.stale_acceptances.is_empty() {
        let _ = writeln!(out, "\naccepted, but nothing to accept any more (a reason no longer true)");
        for stale in &analysis.stale_acceptances {
            let _ = writeln!(out, "  {}", printable(stale));
        }
    }
    if !analysis.duplicates.is_empty() {
        let _ = writeln!(out, "\nduplicates: checks that judge one thing twice");
        for duplicate in &analysis.duplicates {
            let [a, b] = &duplicate.checks;
            let _ = writeln!(out, "  {} and {}: {}", printable(a), printable(b), duplicate.why);
        }
    }
    let toothless = analysis.toothless().count();
    let _ = writeln!(
        out,
        "\n{} check(s), {toothless} with no teeth, {} duplicate(s); {} uncaught field(s) ({} accepted); {} error(s); {} impossible change(s) left out",
        analysis.checks.len(),
        analysis.duplicates.len(),
        analysis.uncaught.len(),
        analysis.uncaught.iter().filter(|u| u.accepted.is_some()).count(),
        analysis.errors.len(),
        analysis.impossible
    );
    out
}

fn verdict(teeth: &Teeth) -> String {
    match (teeth.own_kills, &teeth.accepted) {
        (0, Some(why)) => format!("no kill of its own, accepted: {}", printable(why)),
        (0, None) if teeth.passes_in.is_empty() => "NO TEETH: it passes in no case, so nothing can fail it".to_owned(),
        (0, None) if teeth.kills > 0 => format!(
            "NO TEETH of its own: {} kill(s), none changing what it judges (a listing emptied, a name it finds things by)",
            teeth.kills
        ),
        (0, None) => "NO TEETH".to_owned(),
        (own, _) => format!(
            "{own} kill(s) of its own ({} in all), e.g. {}",
            teeth.kills,
            printable(teeth.examples.first().map_or("", String::as_str))
        ),
    }
}

fn junit(analysis: &Analysis) -> String {
    let mut xml = Writer::new_with_indent(Vec::new(), b' ', 2);
    let write = |xml: &mut Writer<Vec<u8>>| -> std::io::Result<()> {
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let name = printable(&format!("labcheck mutate {}", analysis.lab)).into_owned();
        let tests = analysis.checks.len().to_string();
        let failures = analysis.toothless().count().to_string();
        let attributes = [("name", name.as_str()), ("tests", &tests), ("failures", &failures), ("errors", "0")];
        xml.create_element("testsuite").with_attributes(attributes).write_inner_content(|xml| {
            for teeth in &analysis.checks {
                let name = printable(&teeth.id).into_owned();
                let classname = printable(&format!("{}.{}", analysis.lab, teeth.step)).into_owned();
                let element = xml
                    .create_element("testcase")
                    .with_attributes([("name", name.as_str()), ("classname", &classname)]);
                if teeth.toothless() {
                    let message = format!("no mutant of what it judges ({}) fails it", teeth.reads.join(", "));
                    let message = printable(&message).into_owned();
                    element.write_inner_content(|xml| {
                        xml.create_element("failure")
                            .with_attributes([("type", "no_teeth"), ("message", message.as_str())])
                            .write_text_content(BytesText::new(&message))?;
                        Ok(())
                    })?;
                } else {
                    element.write_empty()?;
                }
            }
            Ok(())
        })?;
        Ok(())
    };
    write(&mut xml).expect("writing to memory");
    String::from_utf8(xml.into_inner()).expect("XML is UTF-8") + "\n"
}
