//! A login bound to the browser that started it (login CSRF, 1EdTech Security Framework §5.1.1.5): the login
//! makes a secret key, keeps its digest with the login and gives the key to the browser, in a short-lived cookie
//! scoped to `/lti/launch`, and, when the platform offers it (`lti_storage_target`), in the platform's storage too
//! (LTI Client Side postMessages), for browsers that block the cookie in the LMS's frame. A launch whose browser
//! does not hold the key of its login is refused: an id_token and state sent to someone else's browser open nothing.

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;


/// Where the platform keeps the key for a browser without the cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformStorage {
    /// The frame that answers `lti.put_data` and `lti.get_data` (`lti_storage_target`, e.g. `_parent`).
    pub target: String,
    /// The platform's origin (its auth URL's): the only one the messages go to and are taken from.
    pub origin: String,
}

/// A new login's browser key: the key for the browser and the digest to keep.
pub struct BrowserKey {
    pub key: String,
    pub digest: String,
}

impl BrowserKey {
    pub fn mint() -> Self {
        let key = crate::ids::random_hex(16);
        let digest = crate::ids::digest_hex(&key);
        Self { key, digest }
    }
}

/// Whether `presented` is the key whose digest a login keeps (in constant time; an empty digest matches nothing).
pub fn holds_key(digest: &str, presented: &str) -> bool {
    !digest.is_empty() && bool::from(crate::ids::digest_hex(presented).as_bytes().ct_eq(digest.as_bytes()))
}

/// The name of the cookie holding the key of the login `state` (one per login: two tabs launch side by side).
pub fn cookie_name(state: &str) -> String {
    format!("labcheck_lti_{state}")
}

/// The key's name in the platform's storage.
pub fn storage_key(state: &str) -> String {
    format!("labcheck_{state}")
}

/// Whether `target` is a frame name a platform would give (`_parent`, `post_message_forwarding`).
pub fn is_frame_name(target: &str) -> bool {
    (1..=64).contains(&target.len()) && target.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_minted_key_opens_its_login() {
        let minted = BrowserKey::mint();
        assert!(holds_key(&minted.digest, &minted.key));
        assert!(!holds_key(&minted.digest, &BrowserKey::mint().key), "another login's key");
        assert!(!holds_key(&minted.digest, ""));
        assert!(!holds_key("", ""), "a login kept without a digest opens nothing");
    }

    #[test]
    fn frame_names_are_plain() {
        assert!(is_frame_name("_parent") && is_frame_name("post_message_forwarding"));
        assert!(!is_frame_name("") && !is_frame_name("a\"><script>") && !is_frame_name(&"x".repeat(65)));
    }
}
