//! JUnit XML: a testsuite per step, a testcase per check. fail -> `<failure>`, error -> `<error>`,
//! skip -> `<skipped>` with its reason; the message (and hint) in the element's text.

use junit_report::{Duration, OffsetDateTime, ReportBuilder, TestCase, TestCaseBuilder, TestSuite};
use time::format_description::well_known::Rfc3339;

use std::io;

use super::text::{cdata, printable};
use super::{Format, Style};
use crate::model::{CheckResult, Report, Status};

fn duration(d: std::time::Duration) -> Duration {
    Duration::try_from(d).unwrap_or(Duration::MAX)
}

/// Every string goes through [`printable`] (XML 1.0 has no place for control characters, escaped or not); the
/// writer escapes `<`, `&` and quotes in attributes, and the trace, written as CDATA, through [`cdata`].
fn testcase(report: &Report, check: &CheckResult) -> TestCase {
    let name = format!("{} ({})", printable(&check.title), printable(&check.id));
    let time = duration(check.duration);
    let message = printable(&check.message);
    let text = match &check.hint {
        Some(hint) => format!("{}\nhint: {}", cdata(&check.message), cdata(hint)),
        None => cdata(&check.message),
    };
    let mut builder = match check.status {
        Status::Pass => TestCaseBuilder::success(&name, time),
        Status::Fail => TestCaseBuilder::failure(&name, time, "fail", &message),
        Status::Error => TestCaseBuilder::error(&name, time, "error", &message),
        Status::Skip => TestCaseBuilder::skipped_with_cause(&name, "skip", &message),
    };
    if check.status != Status::Pass {
        builder.set_trace(&text);
    }
    builder.set_classname(&format!("{}.{}", printable(&report.lab.id), printable(&check.step)));
    builder.set_filepath(&printable(&report.lab.file));
    builder.build()
}

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
        out.write_all(render(report).as_bytes())
    }
}

fn render(report: &Report) -> String {
    let timestamp = OffsetDateTime::parse(&report.started_at, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut builder = ReportBuilder::new();
    for step in &report.steps {
        let mut suite = TestSuite::new(&format!("{}: {}", printable(&step.id), printable(&step.title)));
        suite.package = format!("{}.{}", printable(&report.lab.id), printable(&step.id));
        suite.hostname = printable(report.target.account_id.as_deref().unwrap_or("unknown-account")).into_owned();
        suite.timestamp = timestamp;
        suite.add_testcases(report.checks_of(&step.id).map(|c| testcase(report, c)));
        builder.add_testsuite(suite);
    }
    let mut out = Vec::new();
    builder.build().write_xml(&mut out).expect("writing XML to memory cannot fail");
    let mut text = String::from_utf8(out).expect("junit-report writes UTF-8");
    text.push('\n');
    text
}
