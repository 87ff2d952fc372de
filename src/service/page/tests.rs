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
