//! The learner page as HTML: one self-contained document (its style and script inline, allowed by the response's
//! nonce; nothing fetched), in the learner's language. Every text from a lab or an account is escaped.
//!
//! Without JavaScript it is a checklist whose buttons are forms that grade and reload. With it, `page.js` sends the
//! same forms in the background and swaps in the `<main>` of the answer, announcing the result in a live region.

use std::fmt::Write as _;

use crate::i18n::{self, Locale, Message, msg};
use crate::lab::Lab;
use crate::model::{Report, Status};
use crate::report::html::mark;
use crate::report::text::html as escape;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// A sentence shown above the checklist after a grading, and how it reads.
pub(super) struct Notice {
    pub text: String,
    pub problem: bool,
}

/// Everything a checklist page shows.
pub(super) struct Checklist<'a> {
    pub lab: &'a Lab,
    pub session_id: &'a str,
    /// The learner's progress as a report: each check's best result so far.
    pub progress: &'a Report,
    pub locale: &'a Locale,
    pub notice: Option<Notice>,
    /// What the live region says once the page is swapped in (a grading's result).
    pub announce: Option<String>,
}

fn say(locale: &Locale, message: Message) -> String {
    message.render(locale)
}

/// The page's frame: head, the live region, `body`, the script.
fn document(locale: &Locale, title: &str, nonce: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">\
<title>{title}</title><style nonce=\"{nonce}\">{STYLE}</style></head>\n<body>\
<p id=\"status\" class=\"status\" role=\"status\" aria-live=\"polite\"></p>\n{body}\n\
<script nonce=\"{nonce}\">{SCRIPT}</script></body></html>\n",
        lang = escape(&locale.to_string()),
        title = escape(title),
    )
}

/// The checklist: the score, a Check button for the lab and one per step, each check with its status, points,
/// message and hint.
pub(super) fn checklist(page: &Checklist<'_>, nonce: &str) -> String {
    let (locale, report) = (page.locale, page.progress);
    let action = format!("/learn/{}/check", page.session_id);
    let mut main = String::new();
    let announce = page.announce.as_deref().map(escape).unwrap_or_default();
    let lab_title = page.lab.title.get(locale);
    let checking_all = say(locale, msg!("page-checking-lab", count = report.checks.len()));
    let _ = write!(
        main,
        "<main id=\"learn\" data-announce=\"{announce}\" data-offline=\"{offline}\">\n<header><h1>{title}</h1>\
<p class=\"score\" id=\"score\">{best}</p>\
<progress id=\"score-bar\" max=\"{max}\" value=\"{score}\" aria-labelledby=\"score\">{score}/{max}</progress>\
<p class=\"when\">{when}</p>{form}</header>\n",
        offline = escape(&say(locale, msg!("page-offline"))),
        title = escape(lab_title),
        best = escape(&say(locale, msg!("page-best", score = report.score, max = report.max_score))),
        max = report.max_score,
        score = report.score,
        when = escape(&last_checked(report, locale)),
        form = check_form(&action, None, &say(locale, msg!("page-check-lab")), &checking_all),
    );
    if let Some(notice) = &page.notice {
        let class = if notice.problem { "notice problem" } else { "notice" };
        let _ = writeln!(main, "<p class=\"{class}\" id=\"notice\">{}</p>", escape(&notice.text));
    }
    for step in &report.steps {
        let checks: Vec<_> = report.checks_of(&step.id).collect();
        let points: u32 = checks.iter().map(|c| c.points).sum();
        let max: u32 = checks.iter().map(|c| c.max_points).sum();
        let label = say(locale, msg!("page-check-step", step = step.title.as_str()));
        let titles = checks.iter().map(|c| c.title.clone());
        let _ = write!(
            main,
            "<section aria-labelledby=\"step-{id}\" data-step=\"{id}\"><h2 id=\"step-{id}\">{title} \
<span class=\"points\">{points}/{max}</span></h2>{form}<ul>",
            id = escape(&step.id),
            title = escape(&step.title),
            form = check_form(&action, Some(&step.id), &label, &checking(locale, titles)),
        );
        for check in checks {
            let _ = write!(
                main,
                "<li class=\"check {status}\" data-check=\"{id}\"><span class=\"mark\" aria-hidden=\"true\">{mark}</span>\
<span class=\"title\">{title}</span> <span class=\"state\">{state}</span> <span class=\"points\">{points}/{max}</span>",
                status = check.status.as_str(),
                id = escape(&check.id),
                mark = mark(check.status),
                title = escape(&check.title),
                state = escape(&say(locale, status_text(check.status))),
                points = check.points,
                max = check.max_points,
            );
            // A check never graded says so in its state; it has no message of its own yet.
            if check.status != Status::Pass && check.grading.is_some() {
                let _ = write!(main, "<p class=\"message\">{}</p>", escape(&check.message));
                if let (Some(hint), Status::Fail | Status::Error) = (&check.hint, check.status) {
                    let hint = say(locale, msg!("report-hint-sentence", hint = hint.as_str()));
                    let _ = write!(main, "<p class=\"hint\">{}</p>", escape(&hint));
                }
            }
            main.push_str("</li>\n");
        }
        main.push_str("</ul></section>\n");
    }
    main.push_str("</main>");
    let title = say(locale, msg!("page-title", lab = lab_title));
    document(locale, &title, nonce, &main)
}

/// The page of a session not opened in this browser yet: with JavaScript it opens itself from the link's
/// fragment; without, the learner pastes the access code (a form POST: never a query string).
pub(super) fn open(locale: &Locale, session_id: &str, refusal: Option<Message>, nonce: &str) -> String {
    let mut main = String::from("<main id=\"learn\">");
    let _ = write!(main, "<h1>{}</h1>", escape(&say(locale, msg!("page-open-title"))));
    if let Some(refusal) = refusal {
        let _ = write!(main, "<p class=\"notice problem\" id=\"notice\">{}</p>", escape(&say(locale, refusal)));
    }
    let _ = write!(
        main,
        "<p>{help}</p><form id=\"open-form\" method=\"post\" action=\"/learn/{id}/open\">\
<label for=\"token\">{label}</label> <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required> \
<button type=\"submit\">{button}</button></form></main>",
        help = escape(&say(locale, msg!("page-open-help"))),
        id = escape(session_id),
        label = escape(&say(locale, msg!("page-open-label"))),
        button = escape(&say(locale, msg!("page-open-button"))),
    );
    document(locale, &say(locale, msg!("page-open-title")), nonce, &main)
}

/// A page that says one thing: why an LMS launch was refused, say.
pub(in crate::service) fn notice(locale: &Locale, title: &str, text: &str, nonce: &str) -> String {
    let main = format!(
        "<main id=\"learn\"><h1>{}</h1><p class=\"notice problem\" id=\"notice\">{}</p></main>",
        escape(title),
        escape(text)
    );
    document(locale, title, nonce, &main)
}

/// A Check button: a form that grades `step` (the whole lab without one). `checking` is what the script announces
/// while it runs.
fn check_form(action: &str, step: Option<&str>, label: &str, checking: &str) -> String {
    let (field, target) = match step {
        Some(step) => (format!("<input type=\"hidden\" name=\"step\" value=\"{}\">", escape(step)), escape(step)),
        None => (String::new(), "lab".to_owned()),
    };
    format!(
        "<form class=\"check\" method=\"post\" action=\"{action}\" data-for=\"{target}\" data-checking=\"{checking}\">\
{field}<button type=\"submit\">{label}</button></form>",
        action = escape(action),
        checking = escape(checking),
        label = escape(label),
    )
}

fn checking(locale: &Locale, titles: impl Iterator<Item = String>) -> String {
    say(locale, msg!("page-checking", checks = i18n::and(titles)))
}

fn last_checked(report: &Report, locale: &Locale) -> String {
    if report.started_at.is_empty() {
        say(locale, msg!("page-never-checked"))
    } else {
        say(locale, msg!("page-last-checked", when = readable_time(&report.started_at)))
    }
}

/// An RFC 3339 time as a person reads it, to the minute: `2026-11-30 14:05 UTC`.
fn readable_time(rfc3339: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| rfc3339.to_owned())
}

fn status_text(status: Status) -> Message {
    match status {
        Status::Pass => msg!("page-status-pass"),
        Status::Fail => msg!("page-status-fail"),
        Status::Error => msg!("page-status-error"),
        Status::Skip => msg!("page-status-skip"),
    }
}
