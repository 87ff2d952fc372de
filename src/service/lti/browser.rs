//! The login's browser key over HTTP ([`crate::lti::browser`]): the cookie a login sets and a launch reads, and the
//! two pages of the platform-storage fallback: at login, keep the key in the platform's storage and go on to its
//! auth URL; at a launch without the cookie, read the key back and post the launch again with it.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::i18n::{Locale, msg};
use crate::lti::browser::{PlatformStorage, cookie_name, storage_key};
use crate::lti::records::LOGIN_SECONDS;
use crate::report::text::html as escape;
use crate::service::AppState;
use crate::service::http::accepted_languages;
use crate::service::page;

const SCRIPT: &str = include_str!("storage.js");

/// The cookie holding the login `state`'s key: for `/lti/launch` only, as long as a login lasts, never read by
/// scripts; `SameSite=None` for the platform's cross-site form post, `Partitioned` so that it also lives in the
/// LMS's frame where third-party cookies are blocked.
pub(super) fn key_cookie(state: &str, key: &str) -> Option<HeaderValue> {
    let name = cookie_name(state);
    let cookie = format!("{name}={key}; Path=/lti/launch; Max-Age={LOGIN_SECONDS}; HttpOnly; Secure; SameSite=None; Partitioned");
    HeaderValue::from_str(&cookie).ok()
}

/// The cookie of login `state`, spent.
pub(super) fn spent_cookie(state: &str) -> Option<HeaderValue> {
    let name = cookie_name(state);
    HeaderValue::from_str(&format!("{name}=; Path=/lti/launch; Max-Age=0; HttpOnly; Secure; SameSite=None; Partitioned"))
        .ok()
}

/// The key the browser presents for login `state` in its cookie.
pub(super) fn cookie_key(headers: &HeaderMap, state: &str) -> Option<String> {
    page::cookie(headers, &cookie_name(state)).map(str::to_owned)
}

/// The login's page when the platform offers its storage: the key kept there, then on to `next` (the auth URL).
pub(super) fn keep_key_page(state: &AppState, headers: &HeaderMap, storage: &PlatformStorage, login: &str, key: &str, next: &str) -> Response {
    let data = json!({
        "subject": "lti.put_data",
        "target": storage.target,
        "origin": storage.origin,
        "key": storage_key(login),
        "value": key,
        "next": next,
    });
    storage_page(state, headers, &data, "")
}

/// The launch's page when the browser sent no cookie but the platform keeps the key: read back, then the launch
/// posted again with it (`browser_key`).
pub(super) fn read_key_page(
    state: &AppState,
    headers: &HeaderMap,
    storage: &PlatformStorage,
    id_token: &str,
    login: &str,
) -> Response {
    let data = json!({
        "subject": "lti.get_data",
        "target": storage.target,
        "origin": storage.origin,
        "key": storage_key(login),
    });
    let form = format!(
        "<form id=\"launch\" method=\"post\" action=\"/lti/launch\"><input type=\"hidden\" name=\"id_token\" value=\"{}\">\
<input type=\"hidden\" name=\"state\" value=\"{}\"><input type=\"hidden\" name=\"browser_key\" id=\"browser-key\" value=\"\"></form>",
        escape(id_token),
        escape(login)
    );
    storage_page(state, headers, &data, &form)
}

fn storage_page(state: &AppState, headers: &HeaderMap, data: &serde_json::Value, form: &str) -> Response {
    let locale = crate::i18n::catalogue_locale(&accepted_languages(headers));
    // Inside a script element only `</script` could end it early: `<`, `>` and `&` are written as JSON escapes.
    let data = data.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    page::html(state, StatusCode::OK, |nonce| document(&locale, &data, form, nonce))
}

fn document(locale: &Locale, data: &str, form: &str, nonce: &str) -> String {
    let opening = msg!("lti-opening").render(locale);
    let no_script = msg!("lti-opening-no-script").render(locale);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
<title>{title}</title></head>\n<body><p role=\"status\">{title}</p><noscript><p>{no_script}</p></noscript>{form}\
<script type=\"application/json\" id=\"lti-storage\">{data}</script>\n<script nonce=\"{nonce}\">{SCRIPT}</script></body></html>\n",
        lang = escape(&locale.to_string()),
        title = escape(&opening),
        no_script = escape(&no_script),
    )
}
