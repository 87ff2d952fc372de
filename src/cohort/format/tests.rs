use super::*;
use crate::cohort::tests::class_cohort;
use crate::i18n::english;

#[test]
fn every_format_has_a_name_that_parses_back() {
    for format in CohortFormat::ALL {
        assert_eq!(CohortFormat::parse(format.name()), Ok(format));
    }
    let error = CohortFormat::parse("xlsx").unwrap_err();
    assert_eq!(error, "unknown cohort format `xlsx` (formats: json, checks-csv, learners-csv, html)");
}

#[test]
fn the_checks_csv_has_one_row_per_check_with_the_json_figures() {
    let (cohort, lab) = class_cohort();
    let text = CohortFormat::ChecksCsv.write(&cohort, &lab, &english()).unwrap();
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), cohort.checks.len());
    let cell = |row: &::csv::StringRecord, name: &str| row[header.iter().position(|h| h == name).unwrap()].to_owned();
    let key = &rows[1];
    assert_eq!(cell(key, "check"), "key");
    assert_eq!(cell(key, "attempted"), cohort.checks[1].attempted.to_string());
    assert_eq!(cell(key, "first_try_pass_rate"), "0.25", "2 of 8");
    assert_eq!(cell(key, "top_failure_reason"), "key-not-in-plan");
    assert_eq!(cell(key, "may_be_broken"), "same-reason");
    assert_eq!(cell(&rows[0], "gradings_to_pass_median"), "1");
}

#[test]
fn cells_a_spreadsheet_would_run_as_formulas_are_defused() {
    let (mut cohort, lab) = class_cohort();
    cohort.learner_rows[0].learner = "=HYPERLINK(\"http://evil\")".into();
    cohort.learner_rows[1].learner = "@SUM(A1)".into();
    let text = CohortFormat::LearnersCsv.write(&cohort, &lab, &english()).unwrap();
    let learners: Vec<String> =
        ::csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(learners[0], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(learners[1], "'@SUM(A1)");
    assert_eq!(learners[2], cohort.learner_rows[2].learner, "an ordinary id is left as it is");
}

#[test]
fn the_page_escapes_what_learners_and_accounts_wrote_and_loads_nothing() {
    let (mut cohort, lab) = class_cohort();
    cohort.learner_rows[0].learner = "<img src=x onerror=alert(1)>".into();
    cohort.checks[1].failure_reasons[0].example = Some("no plan named </li><script>alert(2)</script>".into());
    let page = CohortFormat::Html.write(&cohort, &lab, &english()).unwrap();
    assert!(!page.contains("<img") && !page.contains("<script"), "nothing hostile gets through");
    assert!(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    for fetches in ["src=\"", "href=\"", "url(", "@import", "<link"] {
        assert!(!page.contains(fetches), "the page fetches nothing: {fetches}");
    }
    let policy = content_security_policy();
    assert!(page.contains(&crate::report::text::html(&policy)));
    assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"));
}

#[test]
fn the_page_shows_each_figure_with_its_raw_value_and_the_flag_with_its_rule() {
    let (cohort, lab) = class_cohort();
    let page = CohortFormat::Html.write(&cohort, &lab, &english()).unwrap();
    assert!(page.contains("<tr data-check=\"key\" class=\"broken\">"));
    assert!(page.contains("data-figure=\"first_try_pass_rate\" data-value=\"0.25\">25%</td>"), "{page}");
    assert!(page.contains("<g data-step=\"build\" data-value=\"2\">"));
    assert!(page.contains("data-rule=\"same-reason\""));
    let spanish = CohortFormat::Html.write(&cohort, &lab, &"es".parse().unwrap()).unwrap();
    assert!(spanish.contains("<html lang=\"es\">") && spanish.contains("25 %") && spanish.contains("Atascados aquí"));
}
