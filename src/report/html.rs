//! One self-contained HTML page (inline style, no script, nothing fetched): the score, each step with a progress bar
//! and its checks, what was found and the hint under each check that did not pass. For a student or an instructor
//! to open. Every string is HTML-escaped after control characters are made visible.

use std::fmt::Write as _;
use std::io;

use super::human::{account, counts};
use super::text::html as escape;
use super::{Format, Style};
use crate::i18n::msg;
use crate::model::{Report, Status};

pub struct Html;

impl Format for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn summary(&self) -> &'static str {
        "One self-contained HTML page with a progress bar per step"
    }

    fn content_type(&self) -> &'static str {
        "text/html; charset=utf-8"
    }

    fn write(&self, report: &Report, _style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(render(report).as_bytes())
    }
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.5rem;margin-bottom:.2rem}.meta{color:#57606a}.score{font-size:2rem;font-weight:600}\
section{margin-top:1.5rem}h2{font-size:1.15rem;margin-bottom:.3rem}\
.bar{background:#eaeef2;border-radius:4px;height:10px;overflow:hidden}.bar>div{background:#2da44e;height:100%}\
ul{list-style:none;padding:0}li{padding:.45rem 0;border-bottom:1px solid #eaeef2}\
.mark{display:inline-block;width:1.4rem;font-weight:700}.pass .mark{color:#2da44e}.fail .mark{color:#cf222e}\
.error .mark{color:#9a6700}.skip .mark{color:#6e7781}.points{float:right;color:#57606a}\
.message{margin:.2rem 0 0 1.4rem;color:#424a53}.hint{margin:.2rem 0 0 1.4rem;color:#0969da}";

pub(crate) fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✔",
        Status::Fail => "✘",
        Status::Error => "!",
        Status::Skip => "–",
    }
}

fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = escape(&report.lab.title);
    let account = escape(&account(report));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>{title} · {}/{}</title><style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n",
        escape(&report.lang),
        report.score,
        report.max_score
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · {account} · {} · {}</p>\n<p class=\"score\" id=\"score\">{}/{}</p>\n\
<p class=\"meta\">{}</p>",
        escape(&report.lab.id),
        escape(&report.target.region),
        escape(&report.started_at),
        report.score,
        report.max_score,
        escape(&counts(report, true)),
    );
    let hint = |text: &str| report.say(msg!("report-hint-sentence", hint = text));
    for step in &report.steps {
        let checks: Vec<_> = report.checks_of(&step.id).collect();
        let points: u32 = checks.iter().map(|c| c.points).sum();
        let max: u32 = checks.iter().map(|c| c.max_points).sum();
        let percent = (points * 100).checked_div(max).unwrap_or(100);
        let _ = writeln!(
            out,
            "<section><h2>{} <span class=\"points\">{points}/{max}</span></h2>\
<div class=\"bar\" role=\"progressbar\" aria-valuenow=\"{percent}\" aria-valuemin=\"0\" aria-valuemax=\"100\"><div style=\"width:{percent}%\"></div></div><ul>",
            escape(&step.title)
        );
        for check in checks {
            let _ = write!(
                out,
                "<li class=\"{}\"><span class=\"mark\">{}</span>{} <span class=\"points\">{}/{}</span>",
                check.status.as_str(),
                mark(check.status),
                escape(&check.title),
                check.points,
                check.max_points
            );
            if check.status != Status::Pass {
                let _ = write!(out, "<p class=\"message\">{}</p>", escape(&check.message));
                if let (Some(hint_text), Status::Fail | Status::Error) = (&check.hint, check.status) {
                    let _ = write!(out, "<p class=\"hint\">{}</p>", escape(&hint(hint_text)));
                }
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul></section>\n");
    }
    out.push_str("</body></html>\n");
    out
}
