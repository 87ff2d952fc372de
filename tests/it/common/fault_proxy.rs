//! A small fault-injecting HTTP proxy between labcheck and an emulator. Per rule it answers 429 with AWS's error
//! body, answers 500, delays, or drops the connection, for requests whose "METHOD /path" starts with a prefix
//! (optionally only the first N of them); everything else is relayed to the upstream. It records every request.
//! Loopback only; one connection per request (it adds `Connection: close`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// 429 `TooManyRequestsException`, as API Gateway and Lambda send it.
    Throttle,
    /// 500 with an `InternalFailure` body.
    ServerError,
    /// Wait this long, then relay.
    Delay(Duration),
    /// Close the connection without answering.
    Drop,
    /// Answer this status and body, with API Gateway's request-id header or without it.
    Respond { status: u16, body: &'static str, request_id: bool },
}

#[derive(Debug, Clone)]
pub struct Rule {
    /// Matches requests whose "METHOD /path?query" starts with this.
    pub prefix: String,
    pub fault: Fault,
    /// Only the first N matching requests (all if `None`).
    pub first: Option<usize>,
    /// Texts the request's head or body must all contain (e.g. `DynamoDB_20120810.GetItem`, a key).
    pub containing: Vec<&'static str>,
}

impl Rule {
    pub fn always(prefix: &str, fault: Fault) -> Self {
        Self { prefix: prefix.to_owned(), fault, first: None, containing: Vec::new() }
    }

    pub fn first(n: usize, prefix: &str, fault: Fault) -> Self {
        Self { prefix: prefix.to_owned(), fault, first: Some(n), containing: Vec::new() }
    }

    /// This rule only for requests whose head or body contains each of `texts`.
    pub fn containing(self, texts: &[&'static str]) -> Self {
        Self { containing: texts.to_vec(), ..self }
    }
}

/// One request that reached the proxy.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub body: String,
    /// The operation of a JSON-protocol request (`x-amz-target`, e.g. `DynamoDB_20120810.GetItem`).
    pub target: Option<String>,
    /// The fault injected, if any.
    pub fault: Option<Fault>,
    /// When it arrived.
    pub at: std::time::Instant,
}

#[derive(Debug, Clone)]
pub struct FaultProxy {
    pub url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

struct State {
    upstream: String,
    rules: Vec<(Rule, usize)>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    /// Held for each relayed exchange when requests go upstream one at a time.
    one_at_a_time: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl FaultProxy {
    /// Starts the proxy in front of `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str, rules: Vec<Rule>) -> Self {
        Self::start_with(upstream, rules, None).await
    }

    /// A proxy that relays one request at a time: moto answers concurrent DynamoDB transactions wrongly (a failed
    /// transaction restores a copy of the whole table taken before it, undoing writes made meanwhile), which real
    /// DynamoDB never does. Through this proxy each moto call is atomic, while the callers still race.
    pub async fn one_at_a_time(upstream: &str) -> Self {
        Self::start_with(upstream, Vec::new(), Some(Arc::new(tokio::sync::Mutex::new(())))).await
    }

    async fn start_with(upstream: &str, rules: Vec<Rule>, one_at_a_time: Option<Arc<tokio::sync::Mutex<()>>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let state = Arc::new(Mutex::new(State {
            upstream,
            rules: rules.into_iter().map(|r| (r, 0)).collect(),
            recorded: recorded.clone(),
            one_at_a_time,
        }));
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let state = state.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, state).await;
                });
            }
        });
        Self { url, recorded }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }
}

/// Reads one request: head and body (by Content-Length).
async fn read_request(socket: &mut TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(Some((head, buf[head_end..].to_vec())))
}

async fn serve(mut socket: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let Some((head, body)) = read_request(&mut socket).await? else { return Ok(()) };
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
    let key = format!("{method} {path}");
    let text = format!("{head}{}", String::from_utf8_lossy(&body));
    let (fault, upstream, recorded, one_at_a_time) = {
        let mut state = state.lock().unwrap();
        let mut fault = None;
        for (rule, hits) in state.rules.iter_mut() {
            let contains = rule.containing.iter().all(|t| text.contains(t));
            if key.starts_with(&rule.prefix) && contains && rule.first.is_none_or(|n| *hits < n) {
                *hits += 1;
                fault = Some(rule.fault);
                break;
            }
        }
        (fault, state.upstream.clone(), state.recorded.clone(), state.one_at_a_time.clone())
    };
    recorded.lock().unwrap().push(Recorded {
        method: method.clone(),
        path: path.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        target: head
            .lines()
            .find_map(|l| l.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("x-amz-target")))
            .map(|(_, value)| value.trim().to_owned()),
        fault,
        at: std::time::Instant::now(),
    });
    let error = |status: &str, code: &str, message: &str| {
        let body = format!("{{\"message\":\"{message}\"}}");
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-amzn-errortype: {code}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    match fault {
        Some(Fault::Throttle) => {
            let response = error("429 Too Many Requests", "TooManyRequestsException", "Too Many Requests");
            return socket.write_all(response.as_bytes()).await;
        }
        Some(Fault::ServerError) => {
            let response = error("500 Internal Server Error", "InternalFailure", "Internal server error");
            return socket.write_all(response.as_bytes()).await;
        }
        Some(Fault::Drop) => return Ok(()),
        Some(Fault::Respond { status, body, request_id }) => {
            let id = if request_id { "x-amzn-RequestId: fault-proxy\r\n" } else { "" };
            let response = format!(
                "HTTP/1.1 {status} Fault\r\ncontent-type: application/json\r\n{id}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            return socket.write_all(response.as_bytes()).await;
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    // Relay with one connection per request.
    let mut head_lines: Vec<&str> =
        head.trim_end().lines().filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).collect();
    head_lines.push("connection: close");
    let _turn = match &one_at_a_time {
        Some(lock) => Some(lock.lock().await),
        None => None,
    };
    let mut upstream_socket = TcpStream::connect(&upstream).await?;
    upstream_socket.write_all(format!("{}\r\n\r\n", head_lines.join("\r\n")).as_bytes()).await?;
    upstream_socket.write_all(&body).await?;
    let mut response = Vec::new();
    upstream_socket.read_to_end(&mut response).await?;
    socket.write_all(&response).await?;
    socket.shutdown().await
}
