use axum::http::{HeaderMap, HeaderValue};

use super::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_static(value));
    }
    map
}

#[test]
fn only_the_page_itself_may_post_with_the_cookie() {
    assert!(from_the_page(&headers(&[("sec-fetch-site", "same-origin")])));
    assert!(from_the_page(&headers(&[("sec-fetch-site", "none")])));
    assert!(!from_the_page(&headers(&[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")])));
    assert!(!from_the_page(&headers(&[("sec-fetch-site", "same-site")])));
    // A browser without Sec-Fetch-Site: its Origin must be this host.
    assert!(from_the_page(&headers(&[("origin", "https://labcheck.example.com"), ("host", "labcheck.example.com")])));
    assert!(!from_the_page(&headers(&[("origin", "https://evil.example"), ("host", "labcheck.example.com")])));
    assert!(from_the_page(&headers(&[])), "not a browser's cross-site request");
}

#[test]
fn the_cookie_is_found_among_others() {
    let map = headers(&[("cookie", "a=1; labcheck_learn=lcs.x.y"), ("cookie", "b=2")]);
    assert_eq!(cookie(&map, COOKIE), Some("lcs.x.y"));
    assert_eq!(cookie(&headers(&[("cookie", "labcheck_learnx=1")]), COOKIE), None);
}

#[test]
fn settings_that_reach_a_header_or_a_link_are_checked() {
    for ok in ["https://labcheck.example.com", "http://localhost:8080", "https://example.com/labcheck"] {
        assert!(check_public_url(ok).is_ok(), "{ok}");
    }
    for bad in ["labcheck.example.com", "https://", "https://a b", "javascript:alert(1)", "https://x/\"><script>"] {
        assert!(check_public_url(bad).is_err(), "{bad}");
    }
    for ok in ["https://lms.example.com", "https://*.example.com", "http://localhost:8000", "'self'"] {
        assert!(check_frame_ancestor(ok).is_ok(), "{ok}");
    }
    for bad in ["*", "https://a.com; script-src *", "https://a.com 'unsafe-inline'", "lms.example.com", "'none'"] {
        assert!(check_frame_ancestor(bad).is_err(), "{bad}");
    }
}

/// Text from the account (a message quoting a name) and from the lab is escaped; the page fetches nothing and runs
/// only its own nonce-tagged style and script.
#[test]
fn the_page_escapes_what_it_shows_and_fetches_nothing() {
    let lab =
        crate::lab::Lab::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("checks/apigw-items")).unwrap();
    let locale = crate::i18n::english();
    let mut progress = Progress::new("ana", &lab.id);
    let hostile = "there is no REST API named <script>alert(1)</script>\" onmouseover=\"x";
    progress.checks.insert(
        "rest-api-created".into(),
        progress::CheckProgress {
            status: crate::model::Status::Fail,
            points: 0,
            max_points: 1,
            message: hostile.into(),
            message_id: Some("rest-api-missing".into()),
            message_source: None,
            passed_at: None,
            grading: "g019a8c4e2f1b-4be1d2c3a4b5c6d7".into(),
            evidence: Default::default(),
            trail: Default::default(),
        },
    );
    let report = progress::report(&lab, &progress, &locale);
    let page = render::Checklist {
        lab: &lab,
        session_id: "s0123456789abcdef0123456789abcdef",
        progress: &report,
        locale: &locale,
        notice: None,
        announce: Some(hostile.into()),
    };
    let html = render::checklist(&page, "n0nce");
    assert!(!html.contains("<script>alert"), "escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x"), "shown as text");
    assert_eq!(html.matches("<script").count(), 1, "one script: the page's own");
    assert_eq!(html.matches("nonce=\"n0nce\"").count(), 2, "its style and its script");
    for fetches in ["src=", "href=", "url(", "@import", "http://", "https://"] {
        assert!(!html.contains(fetches), "nothing fetched: {fetches}");
    }
    assert_eq!(html.matches("<button type=\"submit\">").count(), 1 + report.steps.len(), "real buttons");
    assert!(html.contains("aria-live=\"polite\""));
}
