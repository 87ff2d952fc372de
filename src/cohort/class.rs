//! A class read one learner at a time: each progress document is folded into running tallies as it is read and
//! then dropped, so a class of any size takes the memory of its figures (a few numbers per learner and check), not
//! of its documents.

use std::collections::{BTreeMap, HashMap};

use super::instants::seconds;
use super::kept::{Kept, KeptCheck};
use super::{BrokenRule, CheckFigures, Cohort, Filter, LearnerRow, MIN_LEARNERS, Reason, RuleText, StepFigures};
use crate::i18n::Locale;
use crate::lab::Lab;

/// A class being read: the lab's shape, which learners count, and the tallies so far.
pub struct Class {
    shape: Shape,
    window: Window,
    now: f64,
    now_text: String,
    locale: Locale,
    checks: Vec<CheckTally>,
    steps: Vec<StepTally>,
    rows: Vec<LearnerRow>,
}

/// What the figures need of the lab: its checks in lab order, their steps and needs.
struct Shape {
    lab: String,
    ids: Vec<String>,
    index: HashMap<String, usize>,
    /// Each check's step and what it needs passed (indexes in lab order).
    checks: Vec<(String, Vec<usize>)>,
    /// Each step with checks, and its checks (indexes).
    steps: Vec<(String, Vec<usize>)>,
}

/// Which learners count ([`Filter`] with its times read).
struct Window {
    learner_prefix: Option<String>,
    since: Option<f64>,
    until: Option<f64>,
    timed: bool,
}

#[derive(Default)]
struct CheckTally {
    attempted: usize,
    passed: usize,
    first_try: usize,
    to_pass: Vec<f64>,
    time_to_pass: Vec<f64>,
    stuck: usize,
    stuck_for: Vec<f64>,
    failing_after_retry: usize,
    /// Learners failing it now after trying again, with every need passed, by message id.
    alike: HashMap<String, usize>,
    reasons: BTreeMap<String, ReasonTally>,
}

#[derive(Default)]
struct ReasonTally {
    failures: u64,
    learners_now: usize,
    /// The first (by learner id) of the learners failing with it now, and their message.
    example: Option<(String, String)>,
}

#[derive(Default)]
struct StepTally {
    completed: usize,
    durations: Vec<f64>,
}

impl Class {
    /// A class of `lab` that `filter` keeps, as of `now` (RFC 3339), its messages written in `locale`, with nobody
    /// read yet.
    pub fn new(lab: &Lab, filter: Filter, now: &str, locale: &Locale) -> Self {
        let shape = Shape::of(lab);
        let checks = shape.ids.iter().map(|_| CheckTally::default()).collect();
        let steps = shape.steps.iter().map(|_| StepTally::default()).collect();
        Class {
            shape,
            window: Window::of(filter),
            now: seconds(now).unwrap_or(0.0),
            now_text: now.to_owned(),
            locale: locale.clone(),
            checks,
            steps,
            rows: Vec::new(),
        }
    }

    /// The lab whose documents it reads.
    pub fn lab(&self) -> &str {
        &self.shape.lab
    }

    /// Only learners whose id starts with this count, if any.
    pub fn learner_prefix(&self) -> Option<&str> {
        self.window.learner_prefix.as_deref()
    }

    /// Folds in `body`, a stored progress document.
    pub fn read(&mut self, body: &str) -> Result<(), serde_json::Error> {
        self.add(&Kept::parse(body)?);
        Ok(())
    }

    /// Folds in `progress`, a document read whole (none: a learner forgotten meanwhile).
    pub fn add_progress(&mut self, progress: Option<&crate::progress::Progress>) {
        if let Some(progress) = progress {
            self.add(&Kept::of(progress));
        }
    }

    /// Folds in one learner's document, if the class counts them.
    pub(super) fn add(&mut self, doc: &Kept) {
        if *doc.lab != *self.shape.lab || !self.window.keeps(doc) {
            return;
        }
        let mut entries: Vec<Option<&KeptCheck>> = vec![None; self.shape.ids.len()];
        for (id, check) in &doc.checks.0 {
            if let Some(&j) = self.shape.index.get(&**id) {
                entries[j] = Some(check);
            }
        }
        let learner = Learner { id: &doc.learner, on: entries.iter().position(|e| !e.is_some_and(KeptCheck::passed)), entries };
        for (j, tally) in self.checks.iter_mut().enumerate() {
            tally.add(j, &self.shape.checks[j].1, &learner, self.now, &self.locale);
        }
        for (tally, (_, checks)) in self.steps.iter_mut().zip(&self.shape.steps) {
            tally.add(checks, &learner);
        }
        self.rows.push(LearnerRow {
            learner: doc.learner.to_string(),
            score: doc.score(),
            last_activity: doc.updated_at.to_string(),
            on_check: learner.on.map(|j| self.shape.ids[j].clone()),
        });
    }

    /// The class's figures.
    pub fn finish(mut self) -> Cohort {
        let locale = &self.locale;
        self.rows.sort_by(|a, b| a.learner.cmp(&b.learner));
        let mut checks: Vec<CheckFigures> = (self.checks.into_iter().zip(self.shape.ids).zip(self.shape.checks))
            .map(|((tally, id), (step, _))| tally.figures(id, step))
            .collect();
        flag_low_pass_rates(&mut checks);
        Cohort {
            lab: self.shape.lab,
            as_of: self.now_text,
            learners: self.rows.len(),
            rules: BrokenRule::ALL.map(|rule| RuleText { rule, text: rule.message().render(locale) }).into(),
            steps: (self.steps.into_iter().zip(self.shape.steps))
                .map(|(tally, (id, _))| StepFigures {
                    id,
                    completed: tally.completed,
                    seconds_to_complete_median: quantile(&tally.durations, 0.5),
                })
                .collect(),
            checks,
            learner_rows: self.rows,
        }
    }
}

impl Shape {
    fn of(lab: &Lab) -> Self {
        let ids: Vec<String> = lab.checks().map(|c| c.id.clone()).collect();
        let index: HashMap<String, usize> = ids.iter().enumerate().map(|(j, id)| (id.clone(), j)).collect();
        let checks = lab
            .checks()
            .map(|check| {
                let needs = crate::progress::prerequisites(lab, check).filter_map(|need| index.get(need).copied());
                (check.step.clone(), needs.collect())
            })
            .collect();
        let steps = lab
            .steps
            .iter()
            .filter(|s| !s.checks.is_empty())
            .map(|s| (s.id.clone(), s.checks.iter().filter_map(|c| index.get(&c.id).copied()).collect()))
            .collect();
        Shape { lab: lab.id.clone(), ids, index, checks, steps }
    }
}

impl Window {
    fn of(filter: Filter) -> Self {
        let timed = filter.since.is_some() || filter.until.is_some();
        Window {
            since: filter.since.as_deref().and_then(seconds),
            until: filter.until.as_deref().and_then(seconds),
            learner_prefix: filter.learner_prefix,
            timed,
        }
    }

    fn keeps(&self, doc: &Kept) -> bool {
        if !self.learner_prefix.as_deref().is_none_or(|prefix| doc.learner.starts_with(prefix)) {
            return false;
        }
        if !self.timed {
            return true;
        }
        let at = seconds(&doc.updated_at);
        self.since.is_none_or(|since| at.is_some_and(|at| at >= since))
            && self.until.is_none_or(|until| at.is_some_and(|at| at <= until))
    }
}

/// One learner as the tallies read them: their entries in lab order and the first check not passed.
struct Learner<'d> {
    id: &'d str,
    entries: Vec<Option<&'d KeptCheck<'d>>>,
    on: Option<usize>,
}

impl Learner<'_> {
    fn passed(&self, j: usize) -> bool {
        self.entries[j].is_some_and(KeptCheck::passed)
    }
}

fn time(text: Option<&super::kept::Text>) -> Option<f64> {
    seconds(text?)
}

impl CheckTally {
    /// Adds check `j` of `learner` (the check needing `needs` passed).
    fn add(&mut self, j: usize, needs: &[usize], learner: &Learner, now: f64, locale: &Locale) {
        if learner.on == Some(j) {
            self.stuck += 1;
            let since = learner.entries[j].and_then(|e| time(e.trail.first_judged_at.as_ref()));
            self.stuck_for.extend(since.map(|since| (now - since).max(0.0)));
        }
        let Some(entry) = learner.entries[j] else { return };
        let trail = &entry.trail;
        if trail.judged > 0 {
            self.attempted += 1;
            if let Some(tries) = trail.judged_to_pass {
                self.passed += 1;
                self.first_try += usize::from(tries == 1);
                self.to_pass.push(f64::from(tries));
                let took = time(entry.passed_at.as_ref()).zip(time(trail.first_judged_at.as_ref()));
                self.time_to_pass.extend(took.map(|(passed, first)| passed - first));
            }
        }
        let failing = entry.status == crate::model::Status::Fail;
        if failing && trail.judged >= 2 {
            self.failing_after_retry += 1;
            if let Some(id) = entry.message_id.as_deref()
                && needs.iter().all(|&need| learner.passed(need))
            {
                *self.alike.entry(id.to_owned()).or_default() += 1;
            }
        }
        for (id, n) in &trail.failures.0 {
            self.reason(id).failures += u64::from(*n);
        }
        if failing && let Some(id) = entry.message_id.as_deref() {
            let reason = self.reason(id);
            reason.learners_now += 1;
            if reason.example.as_ref().is_none_or(|(first, _)| learner.id < first.as_str()) {
                reason.example = Some((learner.id.to_owned(), entry.message_in(locale)));
            }
        }
    }

    fn reason(&mut self, id: &str) -> &mut ReasonTally {
        if !self.reasons.contains_key(id) {
            self.reasons.insert(id.to_owned(), ReasonTally::default());
        }
        self.reasons.get_mut(id).expect("just inserted")
    }

    fn figures(self, id: String, step: String) -> CheckFigures {
        let same_reason = self.alike.values().any(|&n| n >= MIN_LEARNERS && n * 3 >= self.attempted);
        let mut failure_reasons: Vec<Reason> = (self.reasons.into_iter())
            .map(|(message_id, tally)| Reason {
                message_id,
                failures: tally.failures,
                learners_now: tally.learners_now,
                example: tally.example.map(|(_, message)| message),
            })
            .collect();
        failure_reasons.sort_by(|a, b| b.failures.cmp(&a.failures).then_with(|| a.message_id.cmp(&b.message_id)));
        CheckFigures {
            id,
            step,
            attempted: self.attempted,
            passed: self.passed,
            first_try_pass_rate: ratio(self.first_try, self.attempted),
            gradings_to_pass_median: quantile(&self.to_pass, 0.5),
            gradings_to_pass_p90: quantile(&self.to_pass, 0.9),
            seconds_to_pass_median: quantile(&self.time_to_pass, 0.5),
            failing_after_retry: self.failing_after_retry,
            stuck: self.stuck,
            stuck_seconds_median: quantile(&self.stuck_for, 0.5),
            failure_reasons,
            may_be_broken: same_reason.then_some(BrokenRule::SameReason),
        }
    }
}

impl StepTally {
    /// Adds `learner`, for the step of `checks`: completed when every one passed, in the time from the first try of
    /// one to the last first pass.
    fn add(&mut self, checks: &[usize], learner: &Learner) {
        if !checks.iter().all(|&j| learner.passed(j)) {
            return;
        }
        self.completed += 1;
        let entries = || checks.iter().filter_map(|&j| learner.entries[j]);
        let start = entries().filter_map(|e| time(e.trail.first_judged_at.as_ref())).reduce(f64::min);
        let end = entries().filter_map(|e| time(e.passed_at.as_ref())).reduce(f64::max);
        self.durations.extend(start.zip(end).map(|(start, end)| end - start));
    }
}

/// The second flag: a settled pass rate (passed, of those who passed or fail after trying again) below half the
/// mean of the step's other checks.
fn flag_low_pass_rates(checks: &mut [CheckFigures]) {
    let settled = |c: &CheckFigures| c.passed + c.failing_after_retry;
    let rate = |c: &CheckFigures| ratio(c.passed, settled(c));
    let rates: Vec<Option<f64>> = checks.iter().map(rate).collect();
    for i in 0..checks.len() {
        let others: Vec<f64> = (0..checks.len())
            .filter(|&j| j != i && checks[j].step == checks[i].step)
            .filter_map(|j| rates[j])
            .collect();
        let (Some(own), false) = (rates[i], others.is_empty()) else { continue };
        let mean = others.iter().sum::<f64>() / others.len() as f64;
        if settled(&checks[i]) >= MIN_LEARNERS && own < mean / 2.0 && checks[i].may_be_broken.is_none() {
            checks[i].may_be_broken = Some(BrokenRule::LowPassRate);
        }
    }
}

pub(crate) fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The `q` quantile by the nearest-rank method (the median of 1, 2, 3, 4 is 2; its p90 is 4).
pub(super) fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}
