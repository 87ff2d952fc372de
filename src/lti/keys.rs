//! The tool's signing keys: RSA private keys (PKCS#8 PEM files) that sign RS256 JWTs, published as a JWKS at
//! `/.well-known/jwks.json`, each with a `kid` (its RFC 7638 thumbprint). The first key signs; every key listed is
//! published, so a rotation publishes the new key before it signs and keeps the old one until platforms forget it.
//! Private keys live in memory only: never logged (`Debug` shows the kid), never in an answer.

use std::fmt;
use std::path::{Path, PathBuf};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Serialize;

use super::LtiError;

/// One signing key.
pub struct SigningKey {
    kid: String,
    jwk: PublicJwk,
    encoding: jsonwebtoken::EncodingKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({})", self.kid)
    }
}

/// A public key as a JWK (RFC 7517).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicJwk {
    kty: &'static str,
    alg: &'static str,
    #[serde(rename = "use")]
    usage: &'static str,
    kid: String,
    n: String,
    e: String,
}

/// The published key set.
#[derive(Debug, Clone, Serialize)]
pub struct Jwks {
    pub keys: Vec<PublicJwk>,
}

/// The tool's keys: the first signs, all are published.
#[derive(Debug)]
pub struct ToolKeys {
    keys: Vec<SigningKey>,
}

impl SigningKey {
    /// A key from PKCS#8 DER.
    pub fn from_pkcs8(der: &[u8], source: &Path) -> Result<Self, LtiError> {
        let bad = |why: String| LtiError::Key { file: source.to_owned(), message: why };
        let pair = KeyPair::from_pkcs8(der).map_err(|e| bad(format!("not an RSA private key (PKCS#8): {e}")))?;
        if pair.public_modulus_len() < 256 {
            return Err(bad("an RSA key of at least 2048 bits is needed".into()));
        }
        let public = pair.public_key();
        let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
        let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
        let kid = thumbprint(&n, &e);
        let jwk = PublicJwk { kty: "RSA", alg: "RS256", usage: "sig", kid: kid.clone(), n, e };
        let encoding = jsonwebtoken::EncodingKey::from_rsa_pem(pem("PRIVATE KEY", der).as_bytes())
            .map_err(|e| bad(format!("cannot sign with it: {e}")))?;
        Ok(Self { kid, jwk, encoding })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn encoding(&self) -> &jsonwebtoken::EncodingKey {
        &self.encoding
    }
}

impl ToolKeys {
    /// Reads each PEM file (`-----BEGIN PRIVATE KEY-----`, as `labcheck lti keygen` writes them).
    pub fn load(files: &[PathBuf]) -> Result<Self, LtiError> {
        let mut keys = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(file)
                .map_err(|e| LtiError::Key { file: file.clone(), message: format!("cannot read it: {e}") })?;
            let der = pem_body(&text, "PRIVATE KEY").ok_or_else(|| LtiError::Key {
                file: file.clone(),
                message: "no `-----BEGIN PRIVATE KEY-----` block (PKCS#8 PEM, as `labcheck lti keygen` writes)".into(),
            })?;
            keys.push(SigningKey::from_pkcs8(&der, file)?);
        }
        Self::from_keys(keys)
    }

    pub fn from_keys(keys: Vec<SigningKey>) -> Result<Self, LtiError> {
        if keys.is_empty() {
            return Err(LtiError::Config("[tool] keys: at least one key file".into()));
        }
        Ok(Self { keys })
    }

    /// The key that signs.
    pub fn signing(&self) -> &SigningKey {
        &self.keys[0]
    }

    /// Every public key, for `/.well-known/jwks.json`.
    pub fn jwks(&self) -> Jwks {
        Jwks { keys: self.keys.iter().map(|k| k.jwk.clone()).collect() }
    }
}

/// A new 2048-bit RSA key as PKCS#8 PEM, and its kid.
pub fn generate() -> Result<(String, String), LtiError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| LtiError::Config("RSA key generation failed".into()))?;
    let der = pair.as_der().map_err(|_| LtiError::Config("the new key does not encode".into()))?;
    let key = SigningKey::from_pkcs8(der.as_ref(), Path::new("(new key)"))?;
    Ok((pem("PRIVATE KEY", der.as_ref()), key.kid))
}

/// RFC 7638: base64url SHA-256 of `{"e","kty","n"}` in that order, no spaces.
fn thumbprint(n: &str, e: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes()))
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> =
        body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).expect("base64 is ASCII")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let body: String = text[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_signs_and_its_jwk_verifies() {
        let (pem_text, kid) = generate().unwrap();
        assert!(pem_text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let der = pem_body(&pem_text, "PRIVATE KEY").unwrap();
        let key = SigningKey::from_pkcs8(&der, Path::new("k.pem")).unwrap();
        assert_eq!(key.kid(), kid, "the kid is the key's thumbprint, the same every time it is read");
        assert!(!format!("{key:?}").contains("PRIVATE"), "Debug shows the kid only");
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some(kid.clone());
        let claims = serde_json::json!({ "sub": "x", "exp": 4_000_000_000u64 });
        let token = jsonwebtoken::encode(&header, &claims, key.encoding()).unwrap();
        let jwks = serde_json::to_value(ToolKeys::from_keys(vec![key]).unwrap().jwks()).unwrap();
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwks["keys"][0].clone()).unwrap();
        assert_eq!(jwks["keys"][0]["kid"], kid);
        assert!(jwks["keys"][0].get("d").is_none(), "no private part is published");
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &validation).unwrap();
    }

    /// RFC 7638 section 3.1's example key and thumbprint.
    #[test]
    fn the_kid_is_the_rfc_7638_thumbprint() {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(thumbprint(n, "AQAB"), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    /// During a rotation both keys are published; the first listed signs.
    #[test]
    fn two_keys_are_published_and_the_first_signs() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        let mut kids = Vec::new();
        for name in ["new.pem", "old.pem"] {
            let (pem_text, kid) = generate().unwrap();
            std::fs::write(dir.path().join(name), pem_text).unwrap();
            files.push(dir.path().join(name));
            kids.push(kid);
        }
        let keys = ToolKeys::load(&files).unwrap();
        assert_eq!(keys.signing().kid(), kids[0]);
        let published: Vec<String> = keys.jwks().keys.iter().map(|k| k.kid.clone()).collect();
        assert_eq!(published, kids);
    }

    #[test]
    fn a_file_without_a_key_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.pem");
        std::fs::write(&file, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n").unwrap();
        let error = ToolKeys::load(&[file]).unwrap_err().to_string();
        assert!(error.contains("k.pem") && error.contains("BEGIN PRIVATE KEY"), "{error}");
    }
}
