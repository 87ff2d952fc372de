use super::*;
use crate::db::SqliteStore;

fn request(expires_in: u64) -> SessionRequest {
    SessionRequest {
        learner: "ana".into(),
        lab: "apigw-items".into(),
        account: crate::ids::AccountRef {
            role_arn: Some("arn:aws:iam::123456789012:role/grader".into()),
            external_id: None,
            region: Some("us-east-1".into()),
            lang: None,
        },
        expires_in,
        lti: None,
    }
}

async fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("p.sqlite")).await.unwrap();
    (dir, store)
}

#[test]
fn tokens_carry_their_session_and_256_random_bits() {
    let one = mint(request(3600));
    let two = mint(request(3600));
    assert_ne!(one.token, two.token);
    assert_ne!(one.session.id, two.session.id);
    assert_eq!(session_id_of(one.token.reveal()), Some(one.session.id.as_str()));
    let secret = one.token.reveal().rsplit('.').next().unwrap();
    assert_eq!(secret.len(), 64, "32 bytes in hex");
    assert_eq!(one.digest, crate::ids::digest_hex(one.token.reveal()));
    assert!(!format!("{one:?}").contains(secret), "Debug hides the token: {one:?}");
    for not_a_token in ["", "lcs.", "lcs.s1.abc", "Bearer x", &format!("lcs.{}.{}", one.session.id, "g".repeat(64))] {
        assert_eq!(session_id_of(not_a_token), None, "{not_a_token}");
    }
}

#[tokio::test]
async fn only_the_digest_is_kept_and_only_the_token_opens_its_session() {
    let (dir, store) = store().await;
    let minted = mint(request(3600));
    store.put_session(&minted.session, &minted.digest).await.unwrap();
    let file = std::fs::read(dir.path().join("p.sqlite")).unwrap();
    let secret = minted.token.reveal().rsplit('.').next().unwrap();
    assert!(!String::from_utf8_lossy(&file).contains(secret), "the token is not in the file");

    assert_eq!(verify(&store, minted.token.reveal()).await.unwrap(), Ok(minted.session.clone()));
    let forged = format!("lcs.{}.{}", minted.session.id, "0".repeat(64));
    assert_eq!(verify(&store, &forged).await.unwrap(), Err(Refusal::Invalid));
    let unknown = mint(request(3600));
    assert_eq!(verify(&store, unknown.token.reveal()).await.unwrap(), Err(Refusal::Invalid));
}

#[tokio::test]
async fn revoked_and_expired_sessions_are_refused() {
    let (_dir, store) = store().await;
    let minted = mint(request(3600));
    store.put_session(&minted.session, &minted.digest).await.unwrap();
    assert!(store.revoke_session(&minted.session.id, "2026-01-01T00:00:00Z").await.unwrap());
    assert!(store.revoke_session(&minted.session.id, "2027-01-01T00:00:00Z").await.unwrap(), "twice is fine");
    let (kept, _) = store.session(&minted.session.id).await.unwrap().unwrap();
    assert_eq!(kept.revoked_at.as_deref(), Some("2026-01-01T00:00:00Z"), "the first revocation stands");
    assert_eq!(verify(&store, minted.token.reveal()).await.unwrap(), Err(Refusal::Revoked));
    assert!(!store.revoke_session(&mint(request(60)).session.id, "2026-01-01T00:00:00Z").await.unwrap());

    let mut old = mint(request(3600));
    old.session.expires_at = "2020-01-01T00:00:00Z".into();
    store.put_session(&old.session, &old.digest).await.unwrap();
    assert_eq!(verify(&store, old.token.reveal()).await.unwrap(), Err(Refusal::Expired));
}

#[test]
fn ids_and_lifetimes_are_checked() {
    assert!(check_session_id(&mint(request(60)).session.id).is_ok());
    for bad in ["", "s", "S0123456789abcdef0123456789abcdef", "s0123456789ABCDEF0123456789abcdef", "s../../etc"] {
        assert!(check_session_id(bad).is_err(), "{bad}");
    }
    assert!(check_expires_in(MIN_EXPIRES_IN).is_ok() && check_expires_in(MAX_EXPIRES_IN).is_ok());
    assert!(check_expires_in(59).is_err() && check_expires_in(MAX_EXPIRES_IN + 1).is_err());
}
