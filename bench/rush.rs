//! The deadline rush (scripts/bench-rush.sh): a class launched from an LMS presses "Check my progress" faster and
//! faster until a deadline, and the LMS, throttling as Canvas does, must end with every learner's latest score.
//!
//!   rush LABCHECK_URL LMS_URL ISSUER TOKEN LEARNERS GRADINGS SECONDS STEPS
//!
//! 1. Launches LEARNERS learners through labcheck's LTI login and the LMS's auth endpoint (each from an address of
//!    its own, behind loopback as a trusted proxy), keeping each learner's session token.
//! 2. Sends GRADINGS gradings in SECONDS, open loop (each at its time, whether or not the earlier ones answered):
//!    the rate grows as the fifth power of the time, `6 G / T (t / T)^5`, so that 60,000 gradings in 30 minutes
//!    peak at 200 a second at the deadline, and half of them come in its last 3 minutes. Grading `k` is of STEPS of
//!    the Items lab (comma-separated: "Check my progress"), by a learner drawn by a fixed hash of `k`, so every run
//!    sends the same gradings.
//! 3. Waits until labcheck has no score waiting for the LMS, then checks the LMS's records against each learner's
//!    progress: the last score the LMS got is the learner's latest, no two of a learner within 10 s, none older
//!    after a newer one.
//!
//! Prints one line per figure; exits 1 when a grading failed or the LMS lacks a learner's latest score.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::Value;

const LAB: &str = "apigw-items";

struct Rush {
    labcheck: String,
    lms: String,
    issuer: String,
    token: String,
    /// The grading request's body.
    grading: String,
    http: reqwest::Client,
}

fn arg(n: usize) -> String {
    std::env::args().nth(n).unwrap_or_else(|| {
        eprintln!("usage: rush LABCHECK_URL LMS_URL ISSUER TOKEN LEARNERS GRADINGS SECONDS STEPS");
        std::process::exit(2)
    })
}

/// A fixed hash (SplitMix64) of `k`.
fn mix(k: u64) -> u64 {
    let mut z = k.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Learner `i`'s address behind the proxy.
fn address(i: usize) -> String {
    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)
}

fn form(pairs: &[(&str, &str)]) -> String {
    let encode =
        |text: &str| percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string();
    pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

impl Rush {
    /// Learner `i` launched from the LMS: their session token.
    async fn launch(&self, i: usize) -> Result<String, String> {
        let (hint, target) = (format!("student-{i}"), format!("{}/lti/launch", self.labcheck));
        let query = form(&[
            ("iss", &self.issuer),
            ("target_link_uri", &target),
            ("client_id", "labcheck-tool"),
            ("lti_message_hint", "resource-link-1"),
            ("login_hint", &hint),
        ]);
        let login = self.http.get(format!("{}/lti/login?{query}", self.labcheck)).header("x-forwarded-for", address(i));
        let login = login.send().await.map_err(|e| format!("login: {e}"))?;
        let cookie = login.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let cookie = cookie.split(';').next().unwrap_or_default().to_owned();
        let location = login.headers().get("location").and_then(|v| v.to_str().ok());
        let location = location.ok_or_else(|| format!("login answered {}", login.status()))?;
        let auth_query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let authorize = format!("{}/authorize?{auth_query}&forge=none", self.lms);
        let signed = self.http.get(authorize).send().await.map_err(|e| format!("authorize: {e}"))?;
        let signed: Value = serde_json::from_str(&signed.text().await.map_err(|e| format!("authorize: {e}"))?)
            .map_err(|e| format!("authorize: {e}"))?;
        let launch_form = form(&[
            ("id_token", signed["id_token"].as_str().unwrap_or_default()),
            ("state", signed["state"].as_str().unwrap_or_default()),
        ]);
        let launch = self
            .http
            .post(format!("{}/lti/launch", self.labcheck))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .header("x-forwarded-for", address(i))
            .body(launch_form)
            .send()
            .await
            .map_err(|e| format!("launch: {e}"))?;
        let session = launch
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| Some(c.strip_prefix("labcheck_learn=")?.split(';').next()?.to_owned()));
        session.ok_or_else(|| format!("launch answered {}", launch.status()))
    }

    /// One grading of learner `i`'s lab: its status and how long it took.
    async fn grade(&self, i: usize, token: &str) -> (u16, Duration) {
        let started = Instant::now();
        let answer = self
            .http
            .post(format!("{}/v1/labs/{LAB}/grade", self.labcheck))
            .bearer_auth(token)
            .header("x-forwarded-for", address(i))
            .header("content-type", "application/json")
            .body(self.grading.clone())
            .send()
            .await;
        let status = match answer {
            Ok(answer) => {
                let status = answer.status().as_u16();
                let _ = answer.bytes().await;
                status
            }
            Err(_) => 0,
        };
        (status, started.elapsed())
    }

    async fn metric(&self, name: &str) -> f64 {
        let metrics = self.http.get(format!("{}/metrics", self.labcheck)).bearer_auth(&self.token).send().await;
        let text = match metrics {
            Ok(answer) => answer.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        text.lines()
            .filter(|line| line.starts_with(name) && line[name.len()..].starts_with([' ', '{']))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    /// Learner `i`'s score now, as labcheck keeps it.
    async fn latest(&self, i: usize) -> Option<f64> {
        let path = format!("{}/v1/labs/{LAB}/learners/lti:testlms:student-{i}/progress", self.labcheck);
        let answer = self.http.get(path).bearer_auth(&self.token).send().await.ok()?;
        serde_json::from_str::<Value>(&answer.text().await.ok()?).ok()?["score"].as_f64()
    }
}

/// The `q` quantile of sorted `values` (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let (learners, gradings, seconds): (usize, usize, f64) =
        (arg(5).parse().unwrap(), arg(6).parse().unwrap(), arg(7).parse().unwrap());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let steps: Vec<String> = arg(8).split(',').map(str::to_owned).collect();
    let grading = serde_json::json!({ "steps": steps }).to_string();
    let rush = Arc::new(Rush { labcheck: arg(1), lms: arg(2), issuer: arg(3), token: arg(4), grading, http });

    let started = Instant::now();
    let launched: Vec<Result<String, String>> =
        futures::stream::iter(0..learners).map(|i| rush.launch(i)).buffered(16).collect().await;
    let tokens: Vec<String> = launched.into_iter().collect::<Result<_, _>>().unwrap_or_else(|e| {
        eprintln!("rush: a launch failed: {e}");
        std::process::exit(1)
    });
    let took = started.elapsed().as_secs_f64();
    println!("launched {learners} learners in {took:.0} s ({:.0} a second)", learners as f64 / took);
    let tokens = Arc::new(tokens);

    // Open loop: grading k at T (k / G)^(1/6), the inverse of the share of gradings due by t, (t / T)^6.
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..gradings {
        let at = seconds * (k as f64 / gradings as f64).powf(1.0 / 6.0);
        let (rush, tokens) = (rush.clone(), tokens.clone());
        tokio::time::sleep_until(start + Duration::from_secs_f64(at)).await;
        tasks.spawn(async move {
            let i = (mix(k as u64) % learners as u64) as usize;
            let (status, took) = rush.grade(i, &tokens[i]).await;
            (at, status, took)
        });
        while let Some(Some(done)) = tasks.try_join_next().map(Result::ok) {
            record(done);
        }
    }
    while let Some(done) = tasks.join_next().await {
        record(done.unwrap());
    }
    let rush_ended = Instant::now();
    let results = RESULTS.lock().unwrap().clone();
    report(&results, seconds);
    let shared = rush.metric("labcheck_shared_gradings_total").await;
    println!("gradings that joined the same one in flight (a learner pressing twice): {shared}");

    // The LMS catches up: no score left waiting.
    let mut quiet = 0;
    while quiet < 3 && rush_ended.elapsed() < Duration::from_secs(1800) {
        tokio::time::sleep(Duration::from_secs(2)).await;
        quiet = if rush.metric("labcheck_lti_scores_waiting").await == 0.0 { quiet + 1 } else { 0 };
    }
    println!("every score out {:.0} s after the last grading", rush_ended.elapsed().as_secs_f64() - 4.0);
    let failures = verify(&rush, learners, gradings).await;
    let throttled = rush.metric("labcheck_lti_scores_throttled_total").await;
    println!("throttled by the LMS: {throttled} times");
    let failed_gradings = results.iter().filter(|(_, status, _)| *status != 200).count();
    if failures > 0 || failed_gradings > 0 {
        std::process::exit(1);
    }
}

static RESULTS: std::sync::Mutex<Vec<(f64, u16, Duration)>> = std::sync::Mutex::new(Vec::new());

fn record(done: (f64, u16, Duration)) {
    RESULTS.lock().unwrap().push(done);
}

/// Latency overall and at the peak (the last minute before the deadline), and what did not answer 200.
fn report(results: &[(f64, u16, Duration)], seconds: f64) {
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for (_, status, _) in results {
        *statuses.entry(*status).or_default() += 1;
    }
    let sorted = |keep: &dyn Fn(f64) -> bool| {
        let mut all: Vec<Duration> = results.iter().filter(|(at, ..)| keep(*at)).map(|(.., took)| *took).collect();
        all.sort();
        all
    };
    let all = sorted(&|_| true);
    let peak = sorted(&|at| at >= seconds - 60.0);
    println!("gradings: {} in {seconds:.0} s, by status {statuses:?}", results.len());
    println!(
        "latency, all: p50 {} p90 {} p99 {} max {}",
        ms(quantile(&all, 0.5)),
        ms(quantile(&all, 0.9)),
        ms(quantile(&all, 0.99)),
        ms(quantile(&all, 1.0))
    );
    println!(
        "latency, the last minute ({} gradings, {:.0} a second): p50 {} p99 {} max {}",
        peak.len(),
        peak.len() as f64 / 60.0,
        ms(quantile(&peak, 0.5)),
        ms(quantile(&peak, 0.99)),
        ms(quantile(&peak, 1.0))
    );
}

/// Checks the LMS's scores against each learner's latest progress; the learners whose scores are wrong.
async fn verify(rush: &Rush, learners: usize, gradings: usize) -> usize {
    let records = rush.http.get(format!("{}/records", rush.lms)).send().await.unwrap().text().await.unwrap();
    let records: Value = serde_json::from_str(&records).unwrap();
    let mut by_learner: BTreeMap<String, Vec<(f64, f64, String)>> = BTreeMap::new();
    for entry in records["scores"].as_array().into_iter().flatten() {
        let score: Value = serde_json::from_str(entry["body"].as_str().unwrap_or("{}")).unwrap_or_default();
        let user = score["userId"].as_str().unwrap_or_default().to_owned();
        let given = score["scoreGiven"].as_f64().unwrap_or(-1.0);
        let at = entry["at"].as_f64().unwrap_or_default();
        by_learner.entry(user).or_default().push((at, given, score["timestamp"].as_str().unwrap_or("").to_owned()));
    }
    let mut graded = vec![false; learners];
    for k in 0..gradings {
        graded[(mix(k as u64) % learners as u64) as usize] = true;
    }
    let graded = &graded;
    let latest: Vec<Option<f64>> = futures::stream::iter(0..learners)
        .map(|i| async move { if graded[i] { rush.latest(i).await } else { None } })
        .buffered(16)
        .collect()
        .await;
    let (mut wrong, mut close, mut stale, mut posts, mut unscored) = (0, 0, 0, 0, 0);
    for (i, latest) in latest.iter().enumerate() {
        let mut got = by_learner.remove(&format!("student-{i}")).unwrap_or_default();
        got.sort_by(|a, b| a.0.total_cmp(&b.0));
        posts += got.len();
        if got.is_empty() && *latest == Some(0.0) {
            // Graded by the driver, but no grading kept (each answered `busy`, say): nothing to send.
            unscored += 1;
        } else if latest.is_some() && got.last().map(|last| last.1) != *latest {
            wrong += 1;
            if wrong <= 3 {
                println!("  student-{i}: latest {latest:?}, the LMS got {got:?}");
            }
        }
        close += got.windows(2).filter(|pair| pair[1].0 - pair[0].0 < 9.8).count();
        stale += got.windows(2).filter(|pair| pair[1].2 <= pair[0].2).count();
    }
    let graded = latest.iter().filter(|l| l.is_some()).count();
    println!(
        "the LMS: {posts} scores for {graded} learners graded ({unscored} with no grading kept); {wrong} without \
         their latest, {close} pairs within 10 s, {stale} older after newer; at most {} posts in flight",
        records["max_in_flight"]
    );
    wrong + close + stale
}
