//! Assignment and Grade Services: a learner's progress sent to the platform's line item as a score
//! (`POST {lineitem}/scores`, `application/vnd.ims.lis.v1.score+json`), with partial credit and a comment naming
//! what is still missing.
//!
//! The access token comes from the platform's token URL by the client-credentials grant with a JWT client
//! assertion (RS256, signed by the tool's key, `aud` = the token URL), cached until shortly before it expires.
//! Answers 5xx (and a connection that fails) are retried with backoff; a request the platform took but did not
//! answer within [`ANSWER_TIMEOUT`] is not sent again at once (the platform may still be running it: a second one
//! would be one more in flight than allowed) but told to the caller, to pause; a platform throttling (429 with its
//! `Retry-After`, Canvas's 403 "Rate Limit Exceeded") is told to the caller at once, to pause; a 401 on a score drops
//! the cached token and tries once with a new one. What still fails is the caller's to keep and retry later: a verdict never
//! depends on it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::Registration;
use super::keys::ToolKeys;
use super::launch::{SCORE_SCOPE, ScoreEndpoint};

/// Attempts of one request (token or score) when the platform answers 5xx or cannot be reached.
const ATTEMPTS: u32 = 3;
/// The first backoff; doubled each attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(400);
/// How long the platform has to answer a request.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// A token is used until this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);
/// How long a client assertion is valid.
const ASSERTION_SECONDS: u64 = 300;

/// The score document of AGS 2.0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    pub user_id: String,
    pub score_given: f64,
    pub score_maximum: f64,
    /// One line naming the checks still missing.
    pub comment: String,
    /// RFC 3339, with milliseconds: the platform keeps the latest.
    pub timestamp: String,
    /// `InProgress` or `Completed`.
    pub activity_progress: String,
    /// `FullyGraded`: every check of the lab is graded.
    pub grading_progress: String,
}

/// A score for `user_id` from a learner's progress: `given` of `maximum` points, `missing` the titles of the
/// checks not passed yet.
pub fn score(user_id: &str, given: u32, maximum: u32, missing: &[String], comment_prefix: &str, at: &str) -> Score {
    let done = given >= maximum;
    let comment =
        if missing.is_empty() { comment_prefix.to_owned() } else { format!("{comment_prefix} {}", missing.join("; ")) };
    let comment: String = crate::one_line(comment).chars().take(1000).collect();
    Score {
        user_id: user_id.to_owned(),
        score_given: f64::from(given),
        score_maximum: f64::from(maximum.max(1)),
        comment,
        timestamp: at.to_owned(),
        activity_progress: if done { "Completed" } else { "InProgress" }.to_owned(),
        grading_progress: "FullyGraded".to_owned(),
    }
}

/// Why a score was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassbackError {
    #[error("the platform's token endpoint refused: {0}")]
    Token(String),
    #[error("the platform refused the score: {0}")]
    Score(String),
    #[error("the tool's key cannot sign: {0}")]
    Sign(String),
    /// The platform asks to slow down: 429 (its `Retry-After`, if any), or Canvas's 403 "Rate Limit Exceeded".
    #[error("the platform is throttling: {said}")]
    Throttled { wait: Option<Duration>, said: String },
    /// The platform took the request and did not answer in time: it may still be running it.
    #[error("the platform did not answer within {} s", ANSWER_TIMEOUT.as_secs())]
    Unanswered,
}

/// Why a request has no answer.
#[derive(Debug, PartialEq, Eq)]
enum NoAnswer {
    /// Sent, and not answered in time.
    Unanswered,
    /// Not sent, or failed (5xx) each attempt: the last reason.
    Failed(String),
}

impl NoAnswer {
    fn into_error(self, failed: fn(String) -> PassbackError) -> PassbackError {
        match self {
            NoAnswer::Unanswered => PassbackError::Unanswered,
            NoAnswer::Failed(reason) => failed(reason),
        }
    }
}

/// What the platform answered: its status, its `Retry-After` (seconds), its body.
struct Answer {
    status: reqwest::StatusCode,
    retry_after: Option<Duration>,
    text: String,
}

impl Answer {
    /// A throttling answer: 429, or Canvas's 403 whose body says "Rate Limit Exceeded".
    fn throttled(&self) -> Option<PassbackError> {
        let canvas = self.status == reqwest::StatusCode::FORBIDDEN && self.text.contains("Rate Limit Exceeded");
        (self.status == reqwest::StatusCode::TOO_MANY_REQUESTS || canvas).then(|| PassbackError::Throttled {
            wait: self.retry_after,
            said: format!("HTTP {}: {}", self.status.as_u16(), cut(&self.text)),
        })
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Sends scores; holds the platforms' access tokens.
pub struct Scores {
    http: reqwest::Client,
    /// Per token URL and client id: the token and when it stops being used.
    tokens: Mutex<HashMap<(String, String), (String, Instant)>>,
}

impl std::fmt::Debug for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scores")
    }
}

/// The URL scores are posted to: the line item's path and `/scores`, its own query string kept (Canvas puts one
/// there).
pub fn scores_url(lineitem: &str) -> String {
    let (without_fragment, _) = lineitem.split_once('#').unwrap_or((lineitem, ""));
    match without_fragment.split_once('?') {
        Some((path, query)) => format!("{}/scores?{query}", path.trim_end_matches('/')),
        None => format!("{}/scores", without_fragment.trim_end_matches('/')),
    }
}

impl Scores {
    pub fn new(http: reqwest::Client) -> Self {
        Self { http, tokens: Mutex::new(HashMap::new()) }
    }

    /// Posts `score` to `endpoint`'s line item.
    pub async fn send(
        &self,
        registration: &Registration,
        keys: &ToolKeys,
        endpoint: &ScoreEndpoint,
        score: &Score,
    ) -> Result<(), PassbackError> {
        let url = scores_url(&endpoint.lineitem);
        let body = serde_json::to_vec(score).expect("a score serializes");
        for fresh_token in [false, true] {
            let token = self.token(registration, keys, fresh_token).await?;
            let post = || {
                self.http
                    .post(&url)
                    .bearer_auth(&token)
                    .header(reqwest::header::CONTENT_TYPE, "application/vnd.ims.lis.v1.score+json")
                    .body(body.clone())
            };
            let answer = with_retries(post, ANSWER_TIMEOUT).await.map_err(|e| e.into_error(PassbackError::Score))?;
            if answer.status.is_success() {
                return Ok(());
            }
            if let Some(throttled) = answer.throttled() {
                return Err(throttled);
            }
            if answer.status == reqwest::StatusCode::UNAUTHORIZED && !fresh_token {
                continue;
            }
            return Err(PassbackError::Score(format!("HTTP {}: {}", answer.status.as_u16(), cut(&answer.text))));
        }
        Err(PassbackError::Score("HTTP 401 with a new token too".into()))
    }

    /// An access token for the score scope: the cached one, or a new one (always new with `fresh`).
    async fn token(&self, registration: &Registration, keys: &ToolKeys, fresh: bool) -> Result<String, PassbackError> {
        let key = (registration.auth_token_url.clone(), registration.client_id.clone());
        if !fresh
            && let Some((token, until)) = self.tokens.lock().expect("tokens lock").get(&key).cloned()
            && Instant::now() < until
        {
            return Ok(token);
        }
        let assertion = client_assertion(registration, keys)?;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion.as_str()),
            ("scope", SCORE_SCOPE),
        ];
        let form = serde_urlencoded::to_string(form).expect("a form encodes");
        let request = || {
            self.http
                .post(&registration.auth_token_url)
                .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form.clone())
        };
        let answer =
            with_retries(request, ANSWER_TIMEOUT).await.map_err(|e| e.into_error(PassbackError::Token))?;
        if let Some(throttled) = answer.throttled() {
            return Err(throttled);
        }
        if !answer.status.is_success() {
            return Err(PassbackError::Token(format!("HTTP {}: {}", answer.status.as_u16(), cut(&answer.text))));
        }
        let answer: TokenAnswer =
            serde_json::from_str(&answer.text).map_err(|e| PassbackError::Token(format!("not a token answer: {e}")))?;
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        let until = Instant::now() + lifetime.saturating_sub(TOKEN_MARGIN);
        self.tokens.lock().expect("tokens lock").insert(key, (answer.access_token.clone(), until));
        Ok(answer.access_token)
    }
}

/// The client assertion of the client-credentials grant (1EdTech Security Framework 4.1).
fn client_assertion(registration: &Registration, keys: &ToolKeys) -> Result<String, PassbackError> {
    let now = jsonwebtoken::get_current_timestamp();
    let claims = serde_json::json!({
        "iss": registration.client_id,
        "sub": registration.client_id,
        "aud": registration.auth_token_url,
        "iat": now,
        "exp": now + ASSERTION_SECONDS,
        "jti": crate::ids::random_hex(16),
    });
    let signing = keys.signing();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(signing.kid().to_owned());
    jsonwebtoken::encode(&header, &claims, signing.encoding()).map_err(|e| PassbackError::Sign(e.to_string()))
}

/// Sends the request `make` builds, again after a 5xx or a failed connection (backoff doubling), and gives the last
/// answer. A 429 is given at once, with its `Retry-After`: the score sender pauses the platform. A request not
/// answered within `timeout` is not sent again.
async fn with_retries(make: impl Fn() -> reqwest::RequestBuilder, timeout: Duration) -> Result<Answer, NoAnswer> {
    let mut backoff = FIRST_BACKOFF;
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        match make().timeout(timeout).send().await {
            Ok(answer) => {
                let status = answer.status();
                let retry_after = answer
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(|seconds| Duration::from_secs(seconds.min(3600)));
                let text = answer.text().await.unwrap_or_default();
                // A platform asking to slow down is answered by the sender's pause, not by asking again now.
                if !status.is_server_error() || attempt == ATTEMPTS {
                    return Ok(Answer { status, retry_after, text });
                }
                last = format!("HTTP {}", status.as_u16());
            }
            Err(e) if e.is_timeout() => return Err(NoAnswer::Unanswered),
            Err(e) => last = crate::one_line(e),
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
    }
    Err(NoAnswer::Failed(last))
}

fn cut(text: &str) -> String {
    crate::one_line(text).chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The deadline rush's LMS saw 3 score posts at once with 2 allowed: a post it was still running when labcheck
    /// stopped waiting was sent again 400 ms later (3 posts in 2 s here). A post not answered in time is sent once.
    #[tokio::test]
    async fn a_post_the_platform_does_not_answer_in_time_is_not_sent_again() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/scores", listener.local_addr().unwrap());
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = taken.clone();
        let platform = tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let (connection, _) = listener.accept().await.unwrap();
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                held.push(connection);
            }
        });
        let http = reqwest::Client::new();
        let answer = with_retries(|| http.post(&url).body("{}"), Duration::from_millis(200)).await;
        assert_eq!(answer.err(), Some(NoAnswer::Unanswered));
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(taken.load(std::sync::atomic::Ordering::SeqCst), 1, "posts the platform took");
        platform.abort();
    }

    #[test]
    fn the_line_items_own_query_string_is_kept() {
        assert_eq!(
            scores_url("https://lms.example.com/api/lti/courses/1/line_items/7"),
            "https://lms.example.com/api/lti/courses/1/line_items/7/scores"
        );
        assert_eq!(
            scores_url("https://canvas.example.com/api/lti/courses/1/line_items/7?type_id=abc&x=1"),
            "https://canvas.example.com/api/lti/courses/1/line_items/7/scores?type_id=abc&x=1"
        );
        assert_eq!(
            scores_url("https://m.example.com/mod/lti/services.php/2/lineitems/5/lineitem?type_id=3"),
            "https://m.example.com/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=3"
        );
    }

    #[test]
    fn partial_credit_with_what_is_missing() {
        let missing = vec!["Created the Usage Plan".to_owned(), "CORS\non both".to_owned()];
        let s = score("u1", 21, 26, &missing, "Still missing:", "2026-11-30T01:00:00.000Z");
        assert_eq!((s.score_given, s.score_maximum), (21.0, 26.0));
        assert_eq!(s.activity_progress, "InProgress");
        assert_eq!(s.grading_progress, "FullyGraded");
        assert!(!s.comment.contains('\n'), "one line: {}", s.comment);
        assert!(s.comment.starts_with("Still missing: Created the Usage Plan; CORS"));
        let json = serde_json::to_value(&s).unwrap();
        for field in
            ["userId", "scoreGiven", "scoreMaximum", "comment", "timestamp", "activityProgress", "gradingProgress"]
        {
            assert!(json.get(field).is_some(), "{field}: {json}");
        }
        assert_eq!(score("u1", 26, 26, &[], "All done.", "t").activity_progress, "Completed");
    }
}
