//! The cohort as one HTML page an instructor reads: the funnel of steps and the stuck map as inline SVG, the
//! checks with their figures and flags, the learners, and the rules behind each figure. Self-contained (its style
//! inline, allowed by its hash; no script, nothing fetched), readable in light and dark, printable. Every text from
//! a lab, a learner id or an account is escaped.
//!
//! Each figure carries its raw value in `data-value`, so a reader (or a test) can compare the page with the JSON.

use std::fmt::Write as _;

use crate::cohort::{CheckFigures, Cohort, ratio};
use crate::i18n::{Locale, Message, msg};
use crate::lab::Lab;
use crate::report::text::html as escape;

const STYLE: &str = include_str!("cohort.css");
/// Learners listed on the page; the learners CSV has them all.
const LEARNER_ROWS: usize = 200;
/// Checks per row of the stuck map.
const MAP_COLUMNS: usize = 13;

/// The page's policy: its own style (by hash) and nothing else. The service sends it as a header too.
pub fn content_security_policy() -> String {
    use base64::Engine as _;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, STYLE.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    format!("default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'")
}

struct Writer<'a> {
    cohort: &'a Cohort,
    lab: &'a Lab,
    locale: &'a Locale,
    out: String,
}

pub(super) fn page(cohort: &Cohort, lab: &Lab, locale: &Locale) -> String {
    let mut page = Writer { cohort, lab, locale, out: String::new() };
    page.funnel();
    page.stuck_map();
    page.checks();
    page.learners();
    page.rules();
    let title = page.say(msg!("cohort-title", lab = lab.title.get(locale)));
    let summary = page.say(msg!("cohort-summary", learners = cohort.learners, when = cohort.as_of.as_str()));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">\
<title>{title}</title><style>{STYLE}</style></head>\n<body>\n<header><h1>{title}</h1>\
<p class=\"muted\" id=\"summary\" data-learners=\"{learners}\">{summary}</p></header>\n<main>\n{body}</main>\n</body></html>\n",
        lang = escape(&locale.to_string()),
        csp = escape(&content_security_policy()),
        title = escape(&title),
        summary = escape(&summary),
        learners = cohort.learners,
        body = page.out,
    )
}

impl Writer<'_> {
    fn say(&self, message: Message) -> String {
        message.render(self.locale)
    }

    fn percent(&self, share: Option<f64>) -> String {
        match share {
            Some(share) => self.say(msg!("cohort-percent", percent = (share * 100.0).round())),
            None => "–".to_owned(),
        }
    }

    /// A duration as a person reads it: seconds, minutes, hours or days.
    fn duration(&self, seconds: Option<f64>) -> String {
        let Some(seconds) = seconds else { return "–".to_owned() };
        let message = match seconds {
            s if s < 90.0 => msg!("cohort-seconds", n = s.round()),
            s if s < 90.0 * 60.0 => msg!("cohort-minutes", n = (s / 60.0).round()),
            s if s < 36.0 * 3600.0 => msg!("cohort-hours", n = (s / 360.0).round() / 10.0),
            s => msg!("cohort-days", n = (s / 8640.0).round() / 10.0),
        };
        self.say(message)
    }

    fn step_title(&self, id: &str) -> String {
        self.lab
            .steps
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_owned(), |s| s.title.get(self.locale).to_owned())
    }

    fn check_title(&self, id: &str) -> String {
        self.lab.check(id).map_or_else(|| id.to_owned(), |c| c.title.get(self.locale).to_owned())
    }

    fn heading(&mut self, id: &str, title: Message, help: Option<Message>) {
        let title = escape(&self.say(title));
        let _ = writeln!(self.out, "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{title}</h2>");
        if let Some(help) = help {
            let help = escape(&self.say(help));
            let _ = writeln!(self.out, "<p class=\"help\">{help}</p>");
        }
    }

    /// One bar per step: the share of the class that completed it.
    fn funnel(&mut self) {
        self.heading("funnel", msg!("cohort-funnel"), Some(msg!("cohort-funnel-help")));
        let learners = self.cohort.learners;
        let (width, row) = (600.0, 44);
        let height = row * self.cohort.steps.len().max(1);
        let _ = writeln!(
            self.out,
            "<svg id=\"funnel-chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"funnel\">"
        );
        for (i, step) in self.cohort.steps.iter().enumerate() {
            let share = ratio(step.completed, learners);
            let mut label = self.say(msg!(
                "cohort-funnel-row",
                step = self.step_title(&step.id),
                completed = step.completed,
                learners = learners,
                percent = self.percent(share),
            ));
            if step.seconds_to_complete_median.is_some() {
                let median = self.say(msg!("cohort-median", time = self.duration(step.seconds_to_complete_median)));
                label = format!("{label} · {median}");
            }
            let y = i * row;
            let bar = width * share.unwrap_or(0.0);
            let _ = writeln!(
                self.out,
                "<g data-step=\"{id}\" data-value=\"{completed}\"><title>{label}</title>\
<text x=\"0\" y=\"{ty}\">{label}</text><rect class=\"track\" x=\"0\" y=\"{ry}\" width=\"{width}\" height=\"14\"/>\
<rect class=\"bar\" x=\"0\" y=\"{ry}\" width=\"{bar:.1}\" height=\"14\"/></g>",
                id = escape(&step.id),
                completed = step.completed,
                label = escape(&label),
                ty = y + 14,
                ry = y + 20,
            );
        }
        self.out.push_str("</svg></section>\n");
    }

    /// The checks in lab order, each shaded by the share of the class stuck there.
    fn stuck_map(&mut self) {
        self.heading("stuck", msg!("cohort-stuck-map"), Some(msg!("cohort-stuck-help")));
        let (cell, gap) = (40, 6);
        let rows = self.cohort.checks.len().div_ceil(MAP_COLUMNS).max(1);
        let (width, height) = (MAP_COLUMNS * (cell + gap), rows * (cell + gap));
        let _ = writeln!(
            self.out,
            "<svg id=\"stuck-map\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"stuck\">"
        );
        for (i, check) in self.cohort.checks.iter().enumerate() {
            let share = ratio(check.stuck, self.cohort.learners);
            let label = self.say(msg!(
                "cohort-stuck-cell",
                check = self.check_title(&check.id),
                stuck = check.stuck,
                percent = self.percent(share),
            ));
            let (x, y) = ((i % MAP_COLUMNS) * (cell + gap), (i / MAP_COLUMNS) * (cell + gap));
            // Even an empty cell shows faintly, so the map keeps the lab's shape.
            let opacity = 0.06 + 0.94 * share.unwrap_or(0.0);
            let _ = writeln!(
                self.out,
                "<g data-check=\"{id}\" data-value=\"{stuck}\"><title>{label}</title>\
<rect class=\"cell\" x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill-opacity=\"{opacity:.3}\"/>\
<rect class=\"frame\" x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\"/>\
<text class=\"count\" x=\"{tx}\" y=\"{ty}\">{stuck}</text></g>",
                id = escape(&check.id),
                stuck = check.stuck,
                label = escape(&label),
                tx = x + cell / 2,
                ty = y + cell / 2 + 5,
            );
        }
        self.out.push_str("</svg>\n");
        let finished = self.cohort.learner_rows.iter().filter(|r| r.on_check.is_none()).count();
        let finished = escape(&self.say(msg!("cohort-finished", learners = finished)));
        let _ = writeln!(self.out, "<p class=\"help\" id=\"finished\">{finished}</p></section>");
    }

    fn checks(&mut self) {
        self.heading("checks", msg!("cohort-checks"), None);
        let columns = [
            "cohort-col-check",
            "cohort-col-attempted",
            "cohort-col-passed",
            "cohort-col-first-try",
            "cohort-col-gradings",
            "cohort-col-time",
            "cohort-col-stuck",
            "cohort-col-reasons",
            "cohort-col-flag",
        ];
        self.table_head("checks-table", &columns);
        for check in &self.cohort.checks {
            let row = self.check_row(check);
            self.out.push_str(&row);
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    fn table_head(&mut self, id: &str, columns: &[&'static str]) {
        let _ = write!(self.out, "<table id=\"{id}\"><thead><tr>");
        for column in columns {
            let _ = write!(self.out, "<th scope=\"col\">{}</th>", escape(&self.say(Message::new(column))));
        }
        self.out.push_str("</tr></thead><tbody>\n");
    }

    fn check_row(&self, check: &CheckFigures) -> String {
        let figure = |name: &str, value: Option<f64>, shown: String| {
            let value = value.map(|v| v.to_string()).unwrap_or_default();
            format!("<td class=\"n\" data-figure=\"{name}\" data-value=\"{value}\">{}</td>", escape(&shown))
        };
        let count = |n: usize| Some(n as f64);
        let gradings = match (check.gradings_to_pass_median, check.gradings_to_pass_p90) {
            (Some(median), Some(p90)) => self.say(msg!("cohort-gradings", median = median, p90 = p90)),
            _ => "–".to_owned(),
        };
        let stuck = match check.stuck_seconds_median {
            Some(_) => self.say(msg!(
                "cohort-stuck-for",
                stuck = check.stuck,
                time = self.duration(check.stuck_seconds_median)
            )),
            None => check.stuck.to_string(),
        };
        let flag = check.may_be_broken.map(|rule| {
            format!(
                "<span class=\"flag\" data-rule=\"{}\">⚠ {}</span><span class=\"example\">{}</span>",
                rule.id(),
                escape(&self.say(msg!("cohort-may-be-broken"))),
                escape(&self.say(rule.label()))
            )
        });
        format!(
            "<tr data-check=\"{id}\"{class}><th scope=\"row\">{title}<span class=\"id\">{id}</span></th>{attempted}{passed}\
{first_try}{gradings}{time}{stuck}<td>{reasons}</td><td data-figure=\"may_be_broken\">{flag}</td></tr>\n",
            id = escape(&check.id),
            class = if check.may_be_broken.is_some() { " class=\"broken\"" } else { "" },
            title = escape(&self.check_title(&check.id)),
            attempted = figure("attempted", count(check.attempted), check.attempted.to_string()),
            passed = figure("passed", count(check.passed), check.passed.to_string()),
            first_try =
                figure("first_try_pass_rate", check.first_try_pass_rate, self.percent(check.first_try_pass_rate)),
            gradings = figure("gradings_to_pass_median", check.gradings_to_pass_median, gradings),
            time = figure(
                "seconds_to_pass_median",
                check.seconds_to_pass_median,
                self.duration(check.seconds_to_pass_median)
            ),
            stuck = figure("stuck", count(check.stuck), stuck),
            reasons = self.reasons(check),
            flag = flag.unwrap_or_default(),
        )
    }

    /// The top three failure reasons, each with its example.
    fn reasons(&self, check: &CheckFigures) -> String {
        if check.failure_reasons.is_empty() {
            return String::new();
        }
        let mut list = String::from("<ul class=\"reasons\">");
        for reason in check.failure_reasons.iter().take(3) {
            let head = self.say(msg!("cohort-reason", id = reason.message_id.as_str(), count = reason.failures));
            let example = reason.example.as_deref().map(escape).unwrap_or_default();
            let _ = write!(
                list,
                "<li data-reason=\"{id}\" data-value=\"{count}\">{head}<span class=\"example\">{example}</span></li>",
                id = escape(&reason.message_id),
                count = reason.failures,
                head = escape(&head),
            );
        }
        list.push_str("</ul>");
        list
    }

    fn learners(&mut self) {
        self.heading("learners", msg!("cohort-learners"), None);
        let columns = ["cohort-col-learner", "cohort-col-score", "cohort-col-last-activity", "cohort-col-on-check"];
        self.table_head("learners-table", &columns);
        let max = self.lab.max_score();
        for row in self.cohort.learner_rows.iter().take(LEARNER_ROWS) {
            let on = match &row.on_check {
                Some(check) => escape(&self.check_title(check)),
                None => escape(&self.say(msg!("cohort-all-passed"))),
            };
            let _ = writeln!(
                self.out,
                "<tr data-learner=\"{learner}\"><th scope=\"row\">{learner}</th><td class=\"n\" data-value=\"{score}\">{score}/{max}</td>\
<td>{when}</td><td>{on}</td></tr>",
                learner = escape(&row.learner),
                score = row.score,
                when = escape(&row.last_activity),
            );
        }
        self.out.push_str("</tbody></table>\n");
        let more = self.cohort.learner_rows.len().saturating_sub(LEARNER_ROWS);
        if more > 0 {
            let more = escape(&self.say(msg!("cohort-learners-more", count = more)));
            let _ = writeln!(self.out, "<p class=\"help\">{more}</p>");
        }
        self.out.push_str("</section>\n");
    }

    fn rules(&mut self) {
        self.heading("rules", msg!("cohort-rules"), None);
        self.out.push_str("<ul class=\"rules\">\n");
        let figures = [
            "cohort-rule-attempted",
            "cohort-rule-first-try",
            "cohort-rule-gradings",
            "cohort-rule-time",
            "cohort-rule-stuck",
            "cohort-rule-reasons",
            "cohort-rule-funnel",
        ];
        for id in figures {
            let _ = writeln!(self.out, "<li>{}</li>", escape(&self.say(Message::new(id))));
        }
        let flag = escape(&self.say(msg!("cohort-may-be-broken")));
        for rule in &self.cohort.rules {
            let label = escape(&self.say(rule.rule.label()));
            let _ = writeln!(
                self.out,
                "<li data-rule=\"{}\">⚠ {flag} ({label}): {}</li>",
                rule.rule.id(),
                escape(&rule.text)
            );
        }
        self.out.push_str("</ul></section>\n");
    }
}
