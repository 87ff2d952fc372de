//! JUnit XML, as CI servers read it: `<testsuites>` with the totals, a `<testsuite>` per step (tests, failures,
//! errors, skipped, time), a `<testcase>` per check with its points and hint as `<properties>`; fail → `<failure>`,
//! error → `<error>`, skip → `<skipped>`, each with the message (and hint) as text.
//!
//! Every string goes through [`printable`] (XML 1.0 has no place for control characters, escaped or not); the writer
//! escapes `<`, `&` and quotes in text and attributes.

use std::io;
use std::time::Duration;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::text::printable;
use super::{Format, Style};
use crate::model::{CheckResult, Report, Status};

pub struct Junit;

impl Format for Junit {
    fn name(&self) -> &'static str {
        "junit"
    }

    fn summary(&self) -> &'static str {
        "JUnit XML: a testsuite per step, a testcase per check"
    }

    fn content_type(&self) -> &'static str {
        "application/xml"
    }

    fn write(&self, report: &Report, _style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        let mut xml = Writer::new_with_indent(Vec::new(), b' ', 2);
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let all: Vec<&CheckResult> = report.checks.iter().collect();
        let name = format!("{} ({})", report.lab.title, report.lab.id);
        let mut attributes = vec![("name", printable(&name).into_owned())];
        attributes.extend(counts(&all, report.duration));
        attributes.push(("timestamp", printable(&report.started_at).into_owned()));
        xml.create_element("testsuites")
            .with_attributes(attributes.iter().map(|(k, v)| (*k, v.as_str())))
            .write_inner_content(|xml| {
                for (index, step) in report.steps.iter().enumerate() {
                    suite(xml, report, index, &step.id, &step.title)?;
                }
                Ok(())
            })?;
        out.write_all(&xml.into_inner())?;
        out.write_all(b"\n")
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// `tests`, `failures`, `errors`, `skipped` and `time` of some checks.
fn counts(checks: &[&CheckResult], time: Duration) -> Vec<(&'static str, String)> {
    let count = |status: Status| checks.iter().filter(|c| c.status == status).count().to_string();
    vec![
        ("tests", checks.len().to_string()),
        ("failures", count(Status::Fail)),
        ("errors", count(Status::Error)),
        ("skipped", count(Status::Skip)),
        ("time", seconds(time)),
    ]
}

fn suite(xml: &mut Writer<Vec<u8>>, report: &Report, index: usize, step: &str, title: &str) -> io::Result<()> {
    let checks: Vec<&CheckResult> = report.checks_of(step).collect();
    let time = checks.iter().map(|c| c.duration).sum();
    let mut attributes = vec![
        ("id", index.to_string()),
        ("name", printable(&format!("{step}: {title}")).into_owned()),
        ("package", printable(&format!("{}.{step}", report.lab.id)).into_owned()),
        ("hostname", printable(report.target.account_id.as_deref().unwrap_or("unknown-account")).into_owned()),
        ("timestamp", printable(&report.started_at).into_owned()),
    ];
    attributes.extend(counts(&checks, time));
    xml.create_element("testsuite")
        .with_attributes(attributes.iter().map(|(k, v)| (*k, v.as_str())))
        .write_inner_content(|xml| {
            for check in &checks {
                testcase(xml, report, check)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn testcase(xml: &mut Writer<Vec<u8>>, report: &Report, check: &CheckResult) -> io::Result<()> {
    let name = printable(&format!("{} ({})", check.title, check.id)).into_owned();
    let classname = printable(&format!("{}.{}", report.lab.id, check.step)).into_owned();
    let file = printable(&report.lab.file).into_owned();
    let time = seconds(check.duration);
    let attributes = [("name", name.as_str()), ("classname", &classname), ("time", &time), ("file", &file)];
    xml.create_element("testcase").with_attributes(attributes).write_inner_content(|xml| {
        let points = check.points.to_string();
        let max_points = check.max_points.to_string();
        let hint = check.hint.as_deref().map(|h| printable(h).into_owned());
        xml.create_element("properties").write_inner_content(|xml| {
            let mut properties = vec![("points", points.as_str()), ("max_points", max_points.as_str())];
            properties.push(("status", check.status.as_str()));
            if let Some(hint) = &hint {
                properties.push(("hint", hint));
            }
            for (name, value) in properties {
                xml.create_element("property").with_attributes([("name", name), ("value", value)]).write_empty()?;
            }
            Ok(())
        })?;
        let element = match check.status {
            Status::Pass => return Ok(()),
            Status::Fail => "failure",
            Status::Error => "error",
            Status::Skip => "skipped",
        };
        let message = printable(&check.message).into_owned();
        let text = match (&hint, check.status) {
            (Some(hint), Status::Fail | Status::Error) => format!("{message}\nhint: {hint}"),
            _ => message.clone(),
        };
        xml.create_element(element)
            .with_attributes([("type", check.status.as_str()), ("message", message.as_str())])
            .write_text_content(BytesText::new(&text))?;
        Ok(())
    })?;
    Ok(())
}
