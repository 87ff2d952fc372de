//! Validating an LTI 1.3 launch: the `id_token` a platform posts to `/lti/launch`, checked in full before anything
//! is made of it: RS256 with the platform's key (by `kid`), issuer, audience and `azp`, `exp` and `iat` with a small
//! leeway, the nonce labcheck issued for this login, a registered deployment, the message type and version. Then
//! what labcheck needs of it: the learner (`sub`), the lab and steps and the account (custom parameters, else the
//! registration's), the language, and the AGS endpoint to send scores to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Registration;
use super::platform_keys::{KeyError, PlatformKeys};

/// Seconds of clock difference tolerated on `exp` and `iat`.
pub const LEEWAY_SECONDS: u64 = 60;

const MESSAGE_TYPE: &str = "https://purl.imsglobal.org/spec/lti/claim/message_type";
const VERSION: &str = "https://purl.imsglobal.org/spec/lti/claim/version";
const DEPLOYMENT_ID: &str = "https://purl.imsglobal.org/spec/lti/claim/deployment_id";
const CUSTOM: &str = "https://purl.imsglobal.org/spec/lti/claim/custom";
const RESOURCE_LINK: &str = "https://purl.imsglobal.org/spec/lti/claim/resource_link";
const PRESENTATION: &str = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation";
const AGS_ENDPOINT: &str = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
/// The AGS scope that allows posting scores.
pub const SCORE_SCOPE: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/score";

/// Why a launch is refused. Each is shown to the learner as one sentence and logged (the token never is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the id_token is not a JWT signed with RS256 and a kid: {0}")]
    Malformed(String),
    #[error("{0}")]
    Key(#[from] KeyError),
    #[error("the id_token's signature does not verify with the platform's key")]
    BadSignature,
    #[error("the id_token has expired")]
    Expired,
    #[error("the id_token was issued in the future (iat)")]
    IssuedInTheFuture,
    #[error("the id_token is not valid yet (nbf)")]
    NotYetValid,
    #[error("the id_token is from another issuer than the login's")]
    WrongIssuer,
    #[error("the id_token is for another tool (aud or azp is not this tool's client_id)")]
    WrongAudience,
    #[error("the id_token is not valid: {0}")]
    Invalid(String),
    #[error("the id_token's nonce is not this login's (a replayed or forged launch)")]
    WrongNonce,
    #[error("deployment {0:?} is not registered for this platform")]
    UnknownDeployment(String),
    #[error("the message type is {0:?}, not LtiResourceLinkRequest")]
    WrongMessageType(String),
    #[error("the LTI version is {0:?}, not 1.3.0")]
    WrongVersion(String),
    #[error("the launch names no learner (sub)")]
    NoLearner,
    #[error("the resource link has no custom parameter `lab` (set lab=<lab id> on the link)")]
    NoLab,
    #[error("custom parameter {0}")]
    BadCustom(String),
    #[error("the link names account {0:?}, which this platform's registration does not allow (accounts)")]
    AccountNotAllowed(String),
    #[error("the line item is at {0:?}, not on a host registered for this platform (score_hosts)")]
    ScoresElsewhere(String),
}

/// Where AGS scores go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreEndpoint {
    /// The line item's URL, its own query string included.
    pub lineitem: String,
    pub scopes: Vec<String>,
}

/// What a valid launch says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub platform: String,
    pub sub: String,
    pub lab: String,
    pub steps: Vec<String>,
    /// The account (the link's custom parameters, else the platform's registration) and the learner's language
    /// (the launch's presentation locale).
    pub account: crate::ids::AccountRef,
    /// Where scores go; `None` when the platform gave no line item or no score scope.
    pub score_endpoint: Option<ScoreEndpoint>,
}

#[derive(Debug, Deserialize)]
struct Claims {
    sub: Option<String>,
    nonce: Option<String>,
    azp: Option<String>,
    iat: Option<u64>,
    #[serde(flatten)]
    rest: BTreeMap<String, Value>,
}

/// Validates `id_token` for `registration`, whose login issued `nonce`.
pub async fn validate(
    id_token: &str,
    registration: &Registration,
    nonce: &str,
    keys: &PlatformKeys,
) -> Result<Launch, Refusal> {
    let header = jsonwebtoken::decode_header(id_token).map_err(|e| Refusal::Malformed(e.to_string()))?;
    if header.alg != jsonwebtoken::Algorithm::RS256 {
        return Err(Refusal::Malformed(format!("alg is {:?}", header.alg)));
    }
    let kid = header.kid.ok_or_else(|| Refusal::Malformed("no kid".into()))?;
    let key = keys.key(&registration.jwks_url, &kid).await?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    validation.set_issuer(&[&registration.issuer]);
    validation.set_audience(&[&registration.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    let claims = jsonwebtoken::decode::<Claims>(id_token, &key, &validation).map_err(refusal)?.claims;
    check_claims(&claims, registration, nonce)?;
    read_launch(claims, registration)
}

fn refusal(error: jsonwebtoken::errors::Error) -> Refusal {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => Refusal::BadSignature,
        ErrorKind::ExpiredSignature => Refusal::Expired,
        ErrorKind::ImmatureSignature => Refusal::NotYetValid,
        ErrorKind::InvalidIssuer => Refusal::WrongIssuer,
        ErrorKind::InvalidAudience => Refusal::WrongAudience,
        _ => Refusal::Invalid(crate::one_line(error)),
    }
}

fn check_claims(claims: &Claims, registration: &Registration, nonce: &str) -> Result<(), Refusal> {
    let now = jsonwebtoken::get_current_timestamp();
    match claims.iat {
        None => return Err(Refusal::Invalid("no iat".into())),
        Some(iat) if iat > now + LEEWAY_SECONDS => return Err(Refusal::IssuedInTheFuture),
        Some(_) => {}
    }
    // With several audiences, azp names this tool; when present it must anyway.
    let audiences = match claims.rest.get("aud") {
        Some(Value::Array(list)) => list.len(),
        _ => 1,
    };
    match claims.azp.as_deref() {
        Some(azp) if azp != registration.client_id => return Err(Refusal::WrongAudience),
        None if audiences > 1 => return Err(Refusal::WrongAudience),
        _ => {}
    }
    let nonce_ok = claims.nonce.as_deref().is_some_and(|n| {
        use subtle::ConstantTimeEq;
        bool::from(n.as_bytes().ct_eq(nonce.as_bytes()))
    });
    if !nonce_ok {
        return Err(Refusal::WrongNonce);
    }
    let text = |name: &str| claims.rest.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let deployment = text(DEPLOYMENT_ID);
    if !registration.deployment_ids.contains(&deployment) {
        return Err(Refusal::UnknownDeployment(shown(&deployment)));
    }
    let message_type = text(MESSAGE_TYPE);
    if message_type != "LtiResourceLinkRequest" {
        return Err(Refusal::WrongMessageType(shown(&message_type)));
    }
    let version = text(VERSION);
    if version != "1.3.0" {
        return Err(Refusal::WrongVersion(shown(&version)));
    }
    if claims.rest.get(RESOURCE_LINK).and_then(|l| l.get("id")).and_then(Value::as_str).is_none() {
        return Err(Refusal::Invalid("no resource link id".into()));
    }
    Ok(())
}

fn read_launch(claims: Claims, registration: &Registration) -> Result<Launch, Refusal> {
    let sub = claims.sub.filter(|s| !s.is_empty()).ok_or(Refusal::NoLearner)?;
    let custom = claims.rest.get(CUSTOM).and_then(Value::as_object);
    let field = |name: &str| -> Option<String> {
        let value = custom?.get(name)?.as_str()?.trim();
        // Platforms leave unresolved substitutions as written ($Canvas.user.id): as if not given.
        (!value.is_empty() && !value.starts_with('$')).then(|| value.to_owned())
    };
    let lab = field("lab").ok_or(Refusal::NoLab)?;
    let steps: Vec<String> = field("steps")
        .map(|s| s.split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let custom_role = field("role_arn");
    if let Some(role) = custom_role.as_deref().filter(|role| !registration.may_grade(role)) {
        return Err(Refusal::AccountNotAllowed(shown(role)));
    }
    let mut account = crate::ids::AccountRef {
        role_arn: custom_role.or_else(|| registration.role_arn.clone()),
        external_id: field("external_id").or_else(|| registration.external_id.clone()),
        region: field("region").or_else(|| registration.region.clone()),
        lang: None,
    };
    account.check().map_err(Refusal::BadCustom)?;
    account.lang = claims
        .rest
        .get(PRESENTATION)
        .and_then(|p| p.get("locale"))
        .and_then(Value::as_str)
        .filter(|tag| crate::ids::valid_language_tag(tag))
        .map(str::to_owned);
    Ok(Launch {
        platform: registration.name.clone(),
        sub,
        lab,
        steps,
        account,
        score_endpoint: score_endpoint(claims.rest.get(AGS_ENDPOINT), registration)?,
    })
}

/// The line item and scopes, if scores may be posted to it; a line item off the platform's hosts is refused.
fn score_endpoint(claim: Option<&Value>, registration: &Registration) -> Result<Option<ScoreEndpoint>, Refusal> {
    let Some(claim) = claim else { return Ok(None) };
    let Some(lineitem) = claim.get("lineitem").and_then(Value::as_str).map(str::to_owned) else { return Ok(None) };
    let scopes: Vec<String> = claim
        .get("scope")
        .and_then(Value::as_array)
        .map(|scopes| scopes.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if !scopes.iter().any(|s| s == SCORE_SCOPE) {
        return Ok(None);
    }
    if !registration.may_score_at(&lineitem) {
        return Err(Refusal::ScoresElsewhere(shown(&lineitem)));
    }
    Ok(Some(ScoreEndpoint { lineitem, scopes }))
}

impl Launch {
    /// The learner labcheck keeps progress for: `lti:<platform>:<sub>`, or the sub's digest when the sub has
    /// characters a learner id does not take (or is too long).
    pub fn learner(&self) -> String {
        let plain = format!("lti:{}:{}", self.platform, self.sub);
        if crate::ids::check_learner(&plain).is_ok() {
            return plain;
        }
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, self.sub.as_bytes());
        let hex: String = digest.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("lti:{}:h{hex}", self.platform)
    }
}

fn shown(text: &str) -> String {
    text.chars().take(64).collect()
}
