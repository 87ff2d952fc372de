//! LTI 1.3: labcheck as a tool an LMS launches learners into, sending their grades back by Assignment and Grade
//! Services (AGS). The LMS (a "platform") is registered in a TOML file; the tool's RSA keys sign its JWTs.
//!
//! ```toml
//! [tool]
//! keys = ["lti-key-2026-11.pem"]          # PKCS#8 PEM (`labcheck lti keygen`); the first signs, all are published
//! # allow_http = true                     # a test platform on plain HTTP; never for a real LMS
//!
//! [[platform]]
//! name = "canvas"                          # learners are lti:canvas:<sub>
//! issuer = "https://canvas.instructure.com"
//! client_id = "10000000000042"
//! deployment_ids = ["42:8865aa05b4b79b64a91a86042e43af5ea8ae79eb"]
//! auth_login_url = "https://sso.canvaslms.com/api/lti/authorize_redirect"
//! auth_token_url = "https://sso.canvaslms.com/login/oauth2/token"
//! jwks_url = "https://sso.canvaslms.com/api/lti/security/jwks"
//! region = "us-east-1"                     # the graded account, unless the link's custom parameters say
//! role_arn = "arn:aws:iam::111122223333:role/labcheck-grader"
//! accounts = ["arn:aws:iam::*:role/labcheck-grader"]   # what a link's custom role_arn may name (else none)
//! score_hosts = ["school.instructure.com"] # where line items may be (else the hosts of the URLs above)
//! ```
//!
//! The flow: the platform starts an OIDC login (`/lti/login`); labcheck checks the issuer and client id and sends
//! the browser to the platform's auth URL with a single-use `state` and `nonce` kept in the store; the platform
//! posts an `id_token` to `/lti/launch`, validated in [`launch`]; a learner session is made and the learner page
//! shown. Each grading of that session then sends the learner's progress to the line item ([`ags`]).

pub mod ags;
pub mod browser;
#[cfg(feature = "aws")]
mod dynamodb;
pub mod keys;
#[cfg(feature = "aws")]
pub mod launch;
pub mod platform_keys;
pub mod records;
mod sqlite;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use keys::ToolKeys;

/// What a learner session launched from an LMS keeps of its launch: where its scores go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LtiLink {
    /// The registration's name.
    pub platform: String,
    /// The learner's `sub` at the platform: the score's `userId`.
    pub user_id: String,
    /// The line item and scopes; `None` when the platform gave no line item to score.
    pub endpoint: Option<launch::ScoreEndpoint>,
}

/// Why LTI could not be set up or used: one line.
#[derive(Debug, thiserror::Error)]
pub enum LtiError {
    #[error("{file}: {message}")]
    Key { file: PathBuf, message: String },
    #[error("LTI config: {0}")]
    Config(String),
    #[error("LTI config {file}: {message}")]
    File { file: PathBuf, message: String },
}

/// The LTI configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    tool: ToolSection,
    #[serde(default, rename = "platform")]
    platforms: Vec<Registration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolSection {
    keys: Vec<PathBuf>,
    /// Platform URLs may be `http://` (a test platform on this machine). Without it, only `https://`: keys,
    /// tokens and logins fetched in the clear can be swapped on the way.
    #[serde(default)]
    allow_http: bool,
}

/// One platform (an LMS) labcheck is registered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// A short name of the platform: learners are `lti:<name>:<sub>`.
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub deployment_ids: Vec<String>,
    pub auth_login_url: String,
    pub auth_token_url: String,
    pub jwks_url: String,
    /// The graded account when the resource link's custom parameters do not name one.
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// Role ARN patterns (`*` any run of characters) a link's custom `role_arn` may name; `role_arn` above is
    /// always allowed. Anyone who can edit a link in this LMS would otherwise choose the graded account.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Hosts the line items (and so the scores) of this platform may be on; none: the hosts of its issuer and
    /// URLs. A line item elsewhere would have labcheck post the platform's bearer token there.
    #[serde(default)]
    pub score_hosts: Vec<String>,
    /// Scores sent to this platform at once, at most (an LMS like Canvas charges parallel requests first).
    #[serde(default = "default_scores_in_flight")]
    pub scores_in_flight: usize,
    /// Set from `[tool] allow_http`: this platform's URLs, line items included, may be plain HTTP.
    #[serde(skip)]
    pub allow_http: bool,
}

fn default_scores_in_flight() -> usize {
    2
}

impl Registration {
    /// Whether a link's custom `role_arn` may name `role`.
    pub fn may_grade(&self, role: &str) -> bool {
        self.role_arn.as_deref() == Some(role) || self.accounts.iter().any(|pattern| crate::policy::glob(pattern, role))
    }

    /// Whether scores may be posted to the line item at `url`: https (or http when allowed) on a host of this
    /// platform.
    pub fn may_score_at(&self, url: &str) -> bool {
        let Ok(url) = reqwest::Url::parse(url) else { return false };
        let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && self.allow_http);
        let Some(host) = url.host_str() else { return false };
        let registered = if self.score_hosts.is_empty() {
            [&self.issuer, &self.auth_login_url, &self.auth_token_url, &self.jwks_url]
                .iter()
                .filter_map(|u| reqwest::Url::parse(u).ok())
                .filter_map(|u| u.host_str().map(str::to_owned))
                .collect()
        } else {
            self.score_hosts.clone()
        };
        scheme_ok && registered.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// Registrations and the tool's keys.
#[derive(Debug)]
pub struct Lti {
    pub registrations: Vec<Registration>,
    pub keys: ToolKeys,
}

impl Lti {
    /// Reads the TOML file; key paths are relative to it.
    pub fn load(file: &Path) -> Result<Self, LtiError> {
        let at = |message: String| LtiError::File { file: file.to_owned(), message };
        let text = std::fs::read_to_string(file).map_err(|e| at(format!("cannot read it: {e}")))?;
        let config: ConfigFile = toml::from_str(&text).map_err(|e| at(crate::one_line(e.message())))?;
        let folder = file.parent().unwrap_or(Path::new("."));
        let keys: Vec<PathBuf> = config.tool.keys.iter().map(|k| folder.join(k)).collect();
        let mut registrations = config.platforms;
        for registration in &mut registrations {
            registration.allow_http = config.tool.allow_http;
        }
        let lti = Self { registrations, keys: ToolKeys::load(&keys)? };
        lti.check(config.tool.allow_http).map_err(at)?;
        Ok(lti)
    }

    fn check(&self, allow_http: bool) -> Result<(), String> {
        for (i, platform) in self.registrations.iter().enumerate() {
            let name_ok = !platform.name.is_empty()
                && platform.name.len() <= 32
                && platform.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !name_ok {
                return Err(format!("platform {}: name: 1 to 32 of letters, digits and - _ .", i + 1));
            }
            for (field, url) in [
                ("auth_login_url", &platform.auth_login_url),
                ("auth_token_url", &platform.auth_token_url),
                ("jwks_url", &platform.jwks_url),
            ] {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(format!("platform {}: {field}: an http(s) URL", platform.name));
                }
                if url.starts_with("http://") && !allow_http {
                    let name = &platform.name;
                    return Err(format!(
                        "platform {name}: {field}: https only (allow_http = true under [tool] lets a test platform use http)"
                    ));
                }
            }
            if platform.deployment_ids.is_empty() {
                return Err(format!("platform {}: deployment_ids: at least one", platform.name));
            }
            let account = crate::ids::AccountRef {
                role_arn: platform.role_arn.clone(),
                external_id: platform.external_id.clone(),
                region: platform.region.clone(),
                lang: None,
            };
            account.check().map_err(|e| format!("platform {}: {e}", platform.name))?;
            if self.registrations[..i].iter().any(|p| p.name == platform.name) {
                return Err(format!("platform {}: two platforms of that name", platform.name));
            }
        }
        Ok(())
    }

    /// The registration of `issuer` with `client_id` (any of the issuer's when the platform gave none and it has one).
    pub fn registration(&self, issuer: &str, client_id: Option<&str>) -> Option<&Registration> {
        let mut of_issuer = self.registrations.iter().filter(|r| r.issuer == issuer);
        match client_id {
            Some(id) => of_issuer.find(|r| r.client_id == id),
            None => {
                let first = of_issuer.next()?;
                of_issuer.next().is_none().then_some(first)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A platform's key set, token and login URLs fetched over plain HTTP can be swapped on the way: refused
    /// unless the config says the platform is a test one (before: any http:// was taken).
    #[test]
    fn plain_http_platform_urls_are_refused_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let (pem, _) = keys::generate().unwrap();
        std::fs::write(dir.path().join("key.pem"), pem).unwrap();
        let config = |allow: &str, jwks: &str| {
            format!(
                "[tool]\nkeys = [\"key.pem\"]\n{allow}\n[[platform]]\nname = \"lms\"\nissuer = \"https://lms.example\"\n\
                 client_id = \"c\"\ndeployment_ids = [\"d\"]\nauth_login_url = \"https://lms.example/auth\"\n\
                 auth_token_url = \"https://lms.example/token\"\njwks_url = \"{jwks}\"\n"
            )
        };
        let file = dir.path().join("lti.toml");
        std::fs::write(&file, config("", "http://lms.example/jwks")).unwrap();
        let error = Lti::load(&file).unwrap_err().to_string();
        assert!(error.contains("platform lms: jwks_url: https only"), "{error}");
        std::fs::write(&file, config("allow_http = true", "http://lms.example/jwks")).unwrap();
        assert!(Lti::load(&file).is_ok());
        std::fs::write(&file, config("", "https://lms.example/jwks")).unwrap();
        assert!(Lti::load(&file).is_ok());
    }
}
