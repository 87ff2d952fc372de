//! Reading lab files: finding them, parsing their TOML, checking every id, reference and parameter, and the
//! one-line errors (with file and line) for whatever is wrong.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;

use crate::i18n::{self, Locale, RawText, Text};
use crate::ids::valid_id;
use crate::validators::{self};

use super::raw::*;
use super::*;

/// The lab file of a lab folder (`checks/<lab-id>/lab.toml`); its regression cases are in `cases/` beside it.
pub const LAB_FILE: &str = "lab.toml";

/// Every lab named: a lab folder or file as it is; any other folder gives the lab folders in it
/// (`checks/<lab-id>/`) and the `*.toml` lab files in it. No lab at all is an error.
pub fn load_labs(paths: &[PathBuf]) -> Result<Vec<Lab>, LabError> {
    let mut labs = Vec::new();
    for path in paths {
        if !path.is_dir() || path.join(LAB_FILE).is_file() {
            labs.push(Lab::load(path)?);
            continue;
        }
        let mut found: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| LabError { file: path.clone(), line: None, message: format!("cannot read: {e}") })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join(LAB_FILE).is_file() || p.extension().is_some_and(|e| e == "toml"))
            .collect();
        found.sort();
        for lab in found {
            labs.push(Lab::load(&lab)?);
        }
    }
    if labs.is_empty() {
        let file = paths.first().cloned().unwrap_or_default();
        return Err(LabError { file, line: None, message: "no lab files to serve".into() });
    }
    Ok(labs)
}

/// Lab files larger than this are refused (a lab is a few KiB; this guards against a wrong path).
pub const MAX_LAB_FILE_BYTES: u64 = 1024 * 1024;

struct Source<'a> {
    file: &'a Path,
    /// Byte offset of each line's start, so a span's line is a binary search (loading stays linear in the file).
    line_starts: Vec<usize>,
    /// The lab's language, which every text must have.
    language: Locale,
    vars: BTreeMap<String, String>,
}

impl<'a> Source<'a> {
    fn new(file: &'a Path, text: &str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Self { file, line_starts, language: i18n::english(), vars: BTreeMap::new() }
    }

    /// A text of the lab in each of its languages, vars substituted; `whose` names it in an error (`check \`x\`: hint`).
    fn text(&self, raw: Spanned<RawText>, whose: &str) -> Result<Text, LabError> {
        let span = raw.span();
        let text = Text::from_raw(raw.into_inner(), &self.language)
            .map_err(|e| self.error(Some(span), format!("{whose} {e}")))?;
        Ok(text.map(|t| substitute(t, &self.vars)))
    }

    fn line_of(&self, span: Range<usize>) -> usize {
        self.line_starts.partition_point(|&start| start <= span.start)
    }

    fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> LabError {
        LabError { file: self.file.to_owned(), line: span.map(|s| self.line_of(s)), message: message.into() }
    }

    /// An id as written, if it is a valid one.
    fn id(&self, id: &Spanned<String>, what: &str) -> Result<String, LabError> {
        let text = id.get_ref();
        if valid_id(text) {
            Ok(text.clone())
        } else {
            Err(self.error(Some(id.span()), format!("{what} `{text}` must be letters, digits, `-`, `_` or `.`")))
        }
    }

    /// Records `id` at its line, refusing a second use.
    fn unique(&self, seen: &mut HashMap<String, usize>, id: &Spanned<String>, what: &str) -> Result<(), LabError> {
        let line = self.line_of(id.span());
        match seen.insert(id.get_ref().clone(), line) {
            Some(first) => {
                Err(self
                    .error(Some(id.span()), format!("duplicate {what} id `{}` (first at line {first})", id.get_ref())))
            }
            None => Ok(()),
        }
    }

    fn step(&self, raw: RawStep, ids: &mut Ids) -> Result<Step, LabError> {
        let step_id = self.id(&raw.id, "step id")?;
        let title = self.text(raw.title, &format!("step `{step_id}`: title"))?;
        let mut undoes = Vec::new();
        for undone in &raw.undoes {
            let target = undone.get_ref();
            if !ids.steps.contains_key(target) {
                let hint = suggestion(target, ids.steps.keys().map(String::as_str));
                let message = format!("step `{step_id}` undoes `{target}`, which is not an earlier step{hint}");
                return Err(self.error(Some(undone.span()), message));
            }
            undoes.push(target.clone());
        }
        self.unique(&mut ids.steps, &raw.id, "step")?;
        let mut checks = Vec::new();
        for raw_check in raw.checks {
            checks.push(self.check(raw_check, &step_id, ids)?);
        }
        Ok(Step { id: step_id, title, checks, undoes })
    }

    /// One check: a unique id, a known validator whose params build (vars substituted).
    fn check(&self, raw: RawCheck, step_id: &str, ids: &mut Ids) -> Result<Check, LabError> {
        let id = self.id(&raw.id, "check id")?;
        self.unique(&mut ids.checks, &raw.id, "check")?;
        let name = raw.validator.get_ref();
        let Some(spec) = validators::lookup(name) else {
            let hint = suggestion(name, validators::REGISTRY.iter().map(|s| s.name));
            return Err(self.error(
                Some(raw.validator.span()),
                format!("check `{id}`: unknown validator `{name}`{hint} (`labcheck validators` lists them)"),
            ));
        };
        let (params, params_span) = match raw.params {
            Some(p) => {
                let span = p.span();
                (p.into_inner(), span)
            }
            None => (toml::Table::new(), raw.validator.span()),
        };
        let mut params = toml::Value::Table(params);
        substitute_value(&mut params, &self.vars);
        let shown = params.as_table().cloned().unwrap_or_default();
        let validator = spec
            .build(params)
            .map_err(|e| self.error(Some(params_span), format!("check `{id}`: params of {name}: {e}")))?;
        ids.needs.extend(raw.needs.iter().map(|need| (id.clone(), need.clone())));
        let recall = self.recall(&id, &raw.recall, &shown, ids)?;
        let whose = |field: &str| format!("check `{id}`: {field}");
        let title = self.text(raw.title, &whose("title"))?;
        let hint = self.text(raw.hint, &whose("hint"))?;
        let description = raw.description.map(|d| self.text(d, &whose("description"))).transpose()?;
        Ok(Check {
            line: self.line_of(raw.id.span()),
            title,
            step: step_id.to_owned(),
            validator_name: spec.name.to_owned(),
            validator: Arc::from(validator),
            points: raw.points,
            hint,
            description,
            needs: raw.needs.iter().map(|n| n.get_ref().clone()).collect(),
            params: shown,
            recall,
            id,
        })
    }

    /// `recall = { param = "check-id.evidence-key" }`: each param must be one of the check's, each source an
    /// earlier check.
    fn recall(
        &self,
        id: &str,
        raw: &BTreeMap<String, Spanned<String>>,
        params: &toml::Table,
        ids: &Ids,
    ) -> Result<Vec<Recall>, LabError> {
        let mut recall = Vec::new();
        for (param, source) in raw {
            let error = |message: String| self.error(Some(source.span()), format!("check `{id}`: recall {message}"));
            if !params.contains_key(param) {
                return Err(error(format!(
                    "`{param}`: not one of its params (give it a value to use without progress)"
                )));
            }
            let Some((check, key)) = source.get_ref().split_once('.') else {
                return Err(error(format!("`{param}`: `{}` is not CHECK.EVIDENCE_KEY", source.get_ref())));
            };
            if !ids.checks.contains_key(check) || check == id {
                let hint = suggestion(check, ids.checks.keys().map(String::as_str));
                return Err(error(format!("`{param}`: `{check}` is not an earlier check{hint}")));
            }
            recall.push(Recall { param: param.clone(), check: check.to_owned(), key: key.to_owned() });
        }
        Ok(recall)
    }

    /// Every `needs` names another check of the lab.
    fn check_needs(&self, ids: &Ids) -> Result<(), LabError> {
        for (check, need) in &ids.needs {
            let target = need.get_ref();
            if !ids.checks.contains_key(target) {
                let hint = suggestion(target, ids.checks.keys().map(String::as_str));
                // The unknown id is the file's text: escaped, so the error stays one line.
                let target = target.escape_debug();
                return Err(
                    self.error(Some(need.span()), format!("check `{check}` needs unknown check `{target}`{hint}"))
                );
            }
            if target == check {
                return Err(self.error(Some(need.span()), format!("check `{check}` needs itself")));
            }
        }
        Ok(())
    }
}

/// The ids a lab file has used so far, with their lines, and the `needs` to check once every id is known.
#[derive(Default)]
struct Ids {
    steps: HashMap<String, usize>,
    checks: HashMap<String, usize>,
    needs: Vec<(String, Spanned<String>)>,
}

/// Replaces `{name}` by the value of var `name`. Braces that do not name a var (`/items/{ID}`) stay as they are.
fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

fn substitute_value(value: &mut toml::Value, vars: &BTreeMap<String, String>) {
    match value {
        toml::Value::String(s) => *s = substitute(s, vars),
        toml::Value::Array(items) => items.iter_mut().for_each(|v| substitute_value(v, vars)),
        toml::Value::Table(table) => table.iter_mut().for_each(|(_, v)| substitute_value(v, vars)),
        _ => {}
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "did you mean `x`?" for the closest of `candidates`, if close enough.
pub fn suggestion<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (levenshtein(wanted, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

impl Lab {
    /// Reads and validates a lab: a lab folder (`checks/apigw-items`, holding `lab.toml` and its `cases/`) or a
    /// lab file.
    pub fn load(path: &Path) -> Result<Lab, LabError> {
        let folder_file;
        let path = if path.is_dir() {
            folder_file = path.join(LAB_FILE);
            folder_file.as_path()
        } else {
            path
        };
        let plain = |message: String| LabError { file: path.to_owned(), line: None, message };
        let meta = std::fs::metadata(path).map_err(|e| plain(format!("cannot read lab file: {e}")))?;
        if !meta.is_file() {
            return Err(plain("not a file".to_owned()));
        }
        let bytes = crate::files::read_bounded(path, MAX_LAB_FILE_BYTES).map_err(|e| match e {
            crate::files::ReadError::TooLarge { .. } => plain(format!(
                "lab file is larger than the limit of {MAX_LAB_FILE_BYTES} bytes (is this the right file?)"
            )),
            crate::files::ReadError::Io(e) => plain(format!("cannot read lab file: {e}")),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| plain("lab file is not valid UTF-8".to_owned()))?;
        Self::parse(path, &text)
    }

    /// Validates lab file text; `file` is only used in messages.
    pub fn parse(file: &Path, text: &str) -> Result<Lab, LabError> {
        let mut src = Source::new(file, text);
        let raw: RawLab =
            toml::from_str(text).map_err(|e| src.error(e.span(), e.message().trim().replace('\n', " ")))?;
        let lab_id = src.id(&raw.lab.id, "lab id")?;
        if raw.steps.is_empty() {
            return Err(src.error(None, "the lab has no steps (add a [[steps]] table)"));
        }
        for name in raw.vars.keys() {
            if !valid_id(name) {
                return Err(src.error(None, format!("var name `{name}` must be letters, digits, `-`, `_` or `.`")));
            }
        }
        if let Some(language) = &raw.lab.language {
            src.language = i18n::parse_tag(language.get_ref()).map_err(|e| src.error(Some(language.span()), e))?;
        }
        src.vars = raw.vars;
        let title = src.text(raw.lab.title, "lab title")?;
        let description = raw.lab.description.map(|d| src.text(d, "lab description")).transpose()?;
        let mut ids = Ids::default();
        let mut steps = Vec::new();
        for raw_step in raw.steps {
            steps.push(src.step(raw_step, &mut ids)?);
        }
        src.check_needs(&ids)?;
        let mut accepted = Vec::new();
        for entry in raw.mutate.accept {
            let span = entry.span();
            let entry = entry.into_inner();
            match (&entry.field, &entry.check) {
                (Some(_), None) => {}
                (None, Some(check)) if ids.checks.contains_key(check) => {}
                (None, Some(check)) => {
                    return Err(src.error(Some(span), format!("mutate: no check `{check}` to accept")));
                }
                _ => return Err(src.error(Some(span), "mutate: an accept names one `field` or one `check`")),
            }
            if entry.why.trim().is_empty() {
                return Err(src.error(Some(span), "mutate: an accept says `why`"));
            }
            accepted.push(entry);
        }
        let mut lab = Lab {
            id: lab_id,
            title,
            description,
            languages: Vec::new(),
            language: src.language,
            file: file.to_owned(),
            steps,
            accepted,
        };
        lab.languages = lab.find_languages();
        if let Some(cycle) = lab.find_cycle() {
            let line = ids.checks.get(&cycle[0]).copied();
            let message = format!("`needs` cycle: {}", cycle.join(" -> "));
            return Err(LabError { file: file.to_owned(), line, message });
        }
        Ok(lab)
    }

    /// The lab's language, then every other language one of its texts is in.
    fn find_languages(&self) -> Vec<Locale> {
        let mut languages = vec![self.language.clone()];
        let step_texts = self.steps.iter().map(|s| &s.title);
        let check_texts = self.checks().flat_map(|c| [Some(&c.title), Some(&c.hint), c.description.as_ref()]);
        let lab_texts = [Some(&self.title), self.description.as_ref()];
        let texts = lab_texts.into_iter().chain(check_texts).flatten().chain(step_texts);
        for locale in texts.flat_map(Text::translated_to) {
            if !languages.contains(locale) {
                languages.push(locale.clone());
            }
        }
        languages
    }

    /// A cycle in `needs`, as the ids along it (first repeated at the end). Iterative depth-first search over an
    /// index of the checks: linear in checks and needs, and no recursion however long a chain of `needs` is.
    fn find_cycle(&self) -> Option<Vec<String>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Visiting,
            Done,
        }
        let by_id = self.index();
        let mut marks: HashMap<&str, Mark> = HashMap::new();
        for check in self.checks() {
            if marks.contains_key(check.id.as_str()) {
                continue;
            }
            // The path from `check`, each entry with the index of its next need to visit.
            let mut path: Vec<(&str, usize)> = vec![(check.id.as_str(), 0)];
            marks.insert(&check.id, Mark::Visiting);
            while let Some((id, next)) = path.last_mut() {
                let needs = by_id.get(id).map_or(&[][..], |c| c.needs.as_slice());
                let Some(need) = needs.get(*next) else {
                    marks.insert(id, Mark::Done);
                    path.pop();
                    continue;
                };
                *next += 1;
                match marks.get(need.as_str()) {
                    Some(Mark::Done) => {}
                    Some(Mark::Visiting) => {
                        let start = path.iter().position(|(p, _)| *p == need).unwrap_or(0);
                        let mut cycle: Vec<String> = path[start..].iter().map(|(p, _)| (*p).to_owned()).collect();
                        cycle.push(need.clone());
                        return Some(cycle);
                    }
                    None => {
                        marks.insert(need, Mark::Visiting);
                        path.push((need, 0));
                    }
                }
            }
        }
        None
    }
}
