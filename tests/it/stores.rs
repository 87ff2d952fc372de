//! The progress stores, one suite run against each: SQLite (a real file) and DynamoDB (moto over HTTP).

use std::sync::Arc;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use labcheck::cohort::{self, Cohort, Filter};
use labcheck::db::{DynamoStore, SqliteStore, StoreError};
use labcheck::lab::Lab;
use labcheck::model::{Report, Status};
use labcheck::progress::{self, Grading, ProgressStore};
use labcheck::snapshot::Snapshot;
use labcheck::store::Store;

use crate::common::fault_proxy::FaultProxy;
use crate::common::{moto_url, repo_path};

fn items_lab() -> Arc<Lab> {
    Arc::new(Lab::load(&repo_path("checks/apigw-items")).unwrap())
}

/// A shipped case graded offline: its report and evidence, as `run --learner` keeps them.
async fn case(name: &str) -> (Report, Snapshot) {
    let snapshot = Snapshot::load(&repo_path(&format!("checks/apigw-items/cases/{name}.json"))).unwrap();
    let lab = items_lab();
    let checks = lab.select(&[]).unwrap();
    let options = labcheck::engine::EngineOptions::default();
    let (facts, target) = (snapshot.facts.clone(), snapshot.target.clone());
    (labcheck::grading::grade_facts(&lab, &checks, facts, target, &options).await, snapshot)
}

fn grading(learner: &str, (report, snapshot): (Report, Snapshot)) -> Grading {
    Grading {
        id: progress::new_grading_id(),
        learner: learner.to_owned(),
        lab: "apigw-items".to_owned(),
        graded_at: report.started_at.clone(),
        report,
        evidence: Some(snapshot),
    }
}

/// A document as stored (durations in whole milliseconds).
fn as_stored(document: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(document).unwrap()
}

/// The lab done as a learner does it: built (not yet redeployed), then complete, then cleaned up: 26/26.
async fn progress_accumulates_to_the_whole_lab(store: &dyn Store) {
    let lab = items_lab();
    assert_eq!(store.progress("ana", "apigw-items").await.unwrap(), None);
    let fresh = store.record(lab.clone(), grading("ana", case("cleaned-up").await)).await.unwrap();
    assert_eq!(fresh.score(), 0, "a fresh account has cleaned up nothing");
    let mut last = None;
    for name in ["not-redeployed", "complete", "cleaned-up"] {
        let kept = grading("ana", case(name).await);
        let id = kept.id.clone();
        let progress = store.record(lab.clone(), kept.clone()).await.unwrap();
        assert_eq!(store.progress("ana", "apigw-items").await.unwrap().as_ref(), Some(&progress), "reads back");
        let read = store.grading(&id).await.unwrap().expect("the grading is kept");
        assert!(as_stored(&read) == as_stored(&kept), "report and evidence round-trip ({name})");
        last = Some(progress);
    }
    let progress = last.unwrap();
    assert_eq!((progress.score(), progress.gradings), (26, 4));
    assert!(progress.checks.values().all(|c| c.status == Status::Pass && c.passed_at.is_some()));
    assert_eq!(store.progress("bob", "apigw-items").await.unwrap(), None, "learners are apart");
    assert_eq!(store.grading(&progress::new_grading_id()).await.unwrap(), None);
}

/// Gradings of one learner at once: each is kept and merged, none lost.
async fn concurrent_gradings_all_count(store: Arc<dyn Store>) {
    let lab = items_lab();
    let (base_report, snapshot) = case("complete").await;
    // Each grading passes one check only, so the progress shows whether every one of them was merged.
    let gradings: Vec<Grading> = base_report
        .checks
        .iter()
        .filter(|c| c.status == Status::Pass)
        .take(8)
        .map(|passing| {
            let mut report = base_report.clone();
            for check in &mut report.checks {
                if check.id != passing.id {
                    (check.status, check.points) = (Status::Fail, 0);
                }
            }
            grading("carla", (report, snapshot.clone()))
        })
        .collect();
    let writes = gradings.iter().cloned().map(|g| {
        let (store, lab) = (store.clone(), lab.clone());
        tokio::spawn(async move { store.record(lab, g).await })
    });
    for done in futures::future::join_all(writes).await {
        done.unwrap().unwrap();
    }
    let progress = store.progress("carla", "apigw-items").await.unwrap().unwrap();
    assert_eq!(progress.gradings, 8);
    assert_eq!(progress.score(), 8, "every grading's pass was merged: {:#?}", progress.checks);
    for g in &gradings {
        assert!(store.grading(&g.id).await.unwrap().is_some());
    }
}

/// Retention drops evidence; the reports and the progress stay.
async fn old_evidence_is_dropped_and_the_rest_kept(store: &dyn Store) {
    let lab = items_lab();
    let kept = grading("dora", case("complete").await);
    store.record(lab, kept.clone()).await.unwrap();
    assert_eq!(store.forget_evidence_before(&progress::days_ago(1)).await.unwrap(), 0, "nothing is a day old");
    let tomorrow = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let cutoff = tomorrow.format(&time::format_description::well_known::Rfc3339).unwrap();
    assert!(store.forget_evidence_before(&cutoff).await.unwrap() >= 1);
    let read = store.grading(&kept.id).await.unwrap().unwrap();
    assert!(read.evidence.is_none(), "the evidence is gone");
    assert!(as_stored(&read.report) == as_stored(&kept.report), "the report stays");
    assert_eq!(store.progress("dora", "apigw-items").await.unwrap().unwrap().score(), 22);
}

/// LTI logins are single-use and expire; a pending score is replaced only by a newer one, and dropped only if it
/// is still the one delivered.
async fn lti_records_are_single_use_and_newest_first(store: Arc<dyn Store>) {
    use labcheck::clock::now_epoch;
    use labcheck::lti::ags::score;
    use labcheck::lti::launch::ScoreEndpoint;
    use labcheck::lti::records::{Login, PendingScore};
    let login = Login {
        state: "st1".into(),
        nonce: "n1".into(),
        platform: "lms".into(),
        expires_at: now_epoch() + 60,
        browser_digest: "d1".into(),
        storage: Some(labcheck::lti::browser::PlatformStorage {
            target: "_parent".into(),
            origin: "https://lms".into(),
        }),
    };
    store.put_login(&login).await.unwrap();
    // Two launches racing for one login: exactly one has it.
    let (a, b) = tokio::join!(store.take_login("st1"), store.take_login("st1"));
    assert_eq!([a.unwrap(), b.unwrap()].into_iter().flatten().collect::<Vec<_>>(), vec![login.clone()]);
    let old = Login { state: "st2".into(), expires_at: now_epoch() - 1, ..login };
    store.put_login(&old).await.unwrap();
    assert_eq!(store.take_login("st2").await.unwrap(), None, "expired");

    let endpoint = ScoreEndpoint { lineitem: "https://lms.example.com/li/1?x=1".into(), scopes: vec![] };
    let pending = |at: &str, given| PendingScore {
        session_id: "s1".into(),
        platform: "lms".into(),
        endpoint: endpoint.clone(),
        score: score("u", given, 26, &[], "x", at),
        attempts: 1,
        last_error: "HTTP 500".into(),
    };
    store.put_pending_score(&pending("2026-11-30T01:00:02.000Z", 20)).await.unwrap();
    store.put_pending_score(&pending("2026-11-30T01:00:01.000Z", 10)).await.unwrap();
    let waiting = store.pending_scores().await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].score.score_given, 20.0, "an older score does not replace a newer one");
    store.drop_pending_score("s1", "2026-11-30T01:00:01.000Z").await.unwrap();
    assert_eq!(store.pending_scores().await.unwrap().len(), 1, "not the one delivered: it stays");
    store.drop_pending_score("s1", "2026-11-30T01:00:02.000Z").await.unwrap();
    assert!(store.pending_scores().await.unwrap().is_empty());
}

/// A class's progress is read by lab (and class prefix) through the store's index, the same documents as one by one,
/// and the cohort of them counts its learners.
async fn a_class_is_read_by_lab_and_prefix(store: Arc<dyn Store>) {
    let lab = items_lab();
    for learner in ["cs1-ana", "cs1-bea", "cs2-cy"] {
        store.record(lab.clone(), grading(learner, case("complete").await)).await.unwrap();
    }
    let english = labcheck::i18n::english();
    let class = async |prefix: Option<&str>, lab: &Lab| {
        let filter = Filter { learner_prefix: prefix.map(str::to_owned), ..Default::default() };
        cohort::read(store.as_ref(), lab, filter, &english).await
    };
    let learners = |cohort: &Cohort| cohort.learner_rows.iter().map(|r| r.learner.clone()).collect::<Vec<_>>();
    let cohort = class(Some("cs1-"), &lab).await.unwrap();
    assert_eq!(learners(&cohort), vec!["cs1-ana", "cs1-bea"]);
    // The class is read one document at a time, as far as the figures read it: the figures of the documents read
    // one by one, whole, are the same.
    let mut whole = Vec::new();
    for learner in learners(&cohort) {
        whole.push(store.progress(&learner, "apigw-items").await.unwrap().unwrap());
    }
    let filter = Filter { learner_prefix: Some("cs1-".into()), ..Default::default() };
    assert_eq!(cohort, cohort::compute(&lab, &whole, &filter, &cohort.as_of, &english));
    let everyone = learners(&class(None, &lab).await.unwrap());
    assert!(everyone.iter().any(|l| l == "cs2-cy") && everyone.len() >= 3);
    let another = Lab { id: "another-lab".into(), ..(*lab).clone() };
    assert_eq!(class(None, &another).await.unwrap().learners, 0);
    assert_eq!(cohort.learners, 2);
    assert_eq!(cohort.checks.iter().find(|c| c.id == "usage-plan-created").unwrap().passed, 2);
}

/// A data-subject request and an erasure: everything kept about one learner is exported (progress, gradings with
/// evidence, sessions without their external id); forgetting them in one lab, then in all, erases their records there
/// (and a pending LMS score of their session), and no one else's; the cohort no longer counts them.
async fn a_learner_is_exported_and_forgotten(store: Arc<dyn Store>) {
    use labcheck::lti::records::PendingScore;
    use labcheck::privacy::{self, Forgotten};
    let lab = items_lab();
    for (learner, case_name) in [("dsr-ana", "no-plan"), ("dsr-ana", "complete"), ("dsr-bea", "complete")] {
        store.record(lab.clone(), grading(learner, case(case_name).await)).await.unwrap();
    }
    let mut other_lab = grading("dsr-ana", case("complete").await);
    other_lab.lab = "another-lab".into();
    store.record(lab.clone(), other_lab).await.unwrap();
    let request = |learner: &str| labcheck::sessions::SessionRequest {
        learner: learner.into(),
        lab: "apigw-items".into(),
        account: labcheck::ids::AccountRef {
            role_arn: Some("arn:aws:iam::123456789012:role/lab".into()),
            external_id: Some("platform-secret-ish".into()),
            region: Some("us-east-1".into()),
            lang: None,
        },
        expires_in: 3600,
        lti: None,
    };
    let (ana, bea) = (labcheck::sessions::mint(request("dsr-ana")), labcheck::sessions::mint(request("dsr-bea")));
    for minted in [&ana, &bea] {
        store.put_session(&minted.session, &minted.digest).await.unwrap();
    }
    let pending = PendingScore {
        session_id: ana.session.id.clone(),
        platform: "lms".into(),
        endpoint: labcheck::lti::launch::ScoreEndpoint {
            lineitem: "https://lms.example.com/li/1".into(),
            scopes: vec![],
        },
        score: labcheck::lti::ags::score("u", 20, 26, &[], "x", "2026-11-30T01:00:02.000Z"),
        attempts: 1,
        last_error: "HTTP 500".into(),
    };
    store.put_pending_score(&pending).await.unwrap();
    // The index by learner is eventually consistent on DynamoDB (moto answers at once).
    let export = privacy::export(store.as_ref(), "dsr-ana").await.unwrap();
    assert_eq!(export.progress.iter().map(|p| p.lab.as_str()).collect::<Vec<_>>(), vec!["another-lab", "apigw-items"]);
    assert_eq!(export.gradings.len(), 3);
    assert!(export.gradings.iter().all(|g| g.learner == "dsr-ana" && g.evidence.is_some()));
    assert_eq!(export.sessions.len(), 1);
    assert_eq!(export.sessions[0].id, ana.session.id);
    let text = serde_json::to_string(&export).unwrap();
    assert!(!text.contains("platform-secret-ish") && !text.contains(&ana.digest), "no external id, no digest");

    let in_one_lab = store.forget_learner("dsr-ana", Some("another-lab")).await.unwrap();
    assert_eq!(in_one_lab, Forgotten { progress: 1, gradings: 1, sessions: 0 });
    assert!(store.progress("dsr-ana", "apigw-items").await.unwrap().is_some(), "the other lab's stays");
    let everywhere = store.forget_learner("dsr-ana", None).await.unwrap();
    assert_eq!(everywhere, Forgotten { progress: 1, gradings: 2, sessions: 1 });
    assert_eq!(store.progress("dsr-ana", "apigw-items").await.unwrap(), None);
    for grading in &export.gradings {
        assert_eq!(store.grading(&grading.id).await.unwrap(), None, "the grading and its evidence are gone");
    }
    assert!(store.session(&ana.session.id).await.unwrap().is_none());
    assert!(store.pending_scores().await.unwrap().iter().all(|p| p.session_id != ana.session.id));
    assert!(store.session(&bea.session.id).await.unwrap().is_some(), "another learner's session stays");
    assert!(store.progress("dsr-bea", "apigw-items").await.unwrap().is_some());
    let dsr = Filter { learner_prefix: Some("dsr-".into()), ..Default::default() };
    let class = cohort::read(store.as_ref(), &items_lab(), dsr, &labcheck::i18n::english()).await.unwrap();
    assert_eq!(class.learner_rows.iter().map(|r| r.learner.as_str()).collect::<Vec<_>>(), ["dsr-bea"], "not counted");
    assert_eq!(store.forget_learner("dsr-ana", None).await.unwrap(), Forgotten::default(), "nothing left");
    let empty = privacy::export(store.as_ref(), "dsr-ana").await.unwrap();
    assert!(empty.progress.is_empty() && empty.gradings.is_empty() && empty.sessions.is_empty());
}

fn sqlite_path() -> std::path::PathBuf {
    tempfile::tempdir().unwrap().keep().join("progress.sqlite")
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_store() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&sqlite_path()).await.unwrap());
    progress_accumulates_to_the_whole_lab(store.as_ref()).await;
    concurrent_gradings_all_count(store.clone()).await;
    old_evidence_is_dropped_and_the_rest_kept(store.as_ref()).await;
    lti_records_are_single_use_and_newest_first(store.clone()).await;
    a_class_is_read_by_lab_and_prefix(store.clone()).await;
    a_learner_is_exported_and_forgotten(store).await;
}

/// A class is read from each learner's outline (less than half the document), and a learner written before
/// outlines (a file of schema 6, an item of an older labcheck) from their document, with the same figures.
async fn a_class_written_before_outlines_reads_the_same(store: &dyn Store, forget_outline: impl AsyncFnOnce(&str)) {
    let lab = items_lab();
    for (learner, state) in [("old-ana", "key-not-in-plan"), ("old-bea", "complete"), ("old-cy", "no-plan")] {
        store.record(lab.clone(), grading(learner, case("fresh").await)).await.unwrap();
        store.record(lab.clone(), grading(learner, case(state).await)).await.unwrap();
    }
    let figures = async || {
        let class = Filter { learner_prefix: Some("old-".into()), ..Default::default() };
        let class = cohort::Class::new(&lab, class, "2030-01-01T00:00:00Z", &labcheck::i18n::english());
        store.read_class(class).await.unwrap().finish()
    };
    let outlined = figures().await;
    assert_eq!(outlined.learners, 3);
    assert!(outlined.checks.iter().any(|c| c.failure_reasons.iter().any(|r| r.example.is_some())), "{outlined:?}");
    forget_outline("old-ana").await;
    assert_eq!(figures().await, outlined);
}

#[tokio::test]
async fn sqlite_reads_a_class_from_outlines_and_from_documents_without_one() {
    let path = sqlite_path();
    let store = SqliteStore::open(&path).await.unwrap();
    let forget_outline = async |learner: &str| {
        let connection = rusqlite::Connection::open(&path).unwrap();
        let (outline, body): (usize, usize) = connection
            .query_row(
                "SELECT length(outline), length(body) FROM progress JOIN progress_outlines USING (lab, learner)
                 WHERE learner = ?1",
                [learner],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert!(outline * 2 < body, "an outline of {outline} bytes for a document of {body}");
        connection.execute("DELETE FROM progress_outlines WHERE learner = ?1", [learner]).unwrap();
    };
    a_class_written_before_outlines_reads_the_same(&store, forget_outline).await;
}

#[tokio::test]
async fn dynamodb_reads_a_class_from_outlines_and_from_items_without_one() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let table = format!("labcheck-outlines-{}", std::process::id());
    DynamoStore::create(&moto_config(), &table).await.unwrap();
    let store = DynamoStore::open(&moto_config(), &table).await.unwrap();
    let forget_outline = async |learner: &str| {
        let client = aws_sdk_dynamodb::Client::new(&moto_config());
        let key = AttributeValue::S(format!("progress#apigw-items#{learner}"));
        let update = client.update_item().table_name(&table).key("pk", key).update_expression("REMOVE outline");
        update.send().await.unwrap();
    };
    a_class_written_before_outlines_reads_the_same(&store, forget_outline).await;
}

fn moto_config() -> SdkConfig {
    moto_config_at(&moto_url())
}

fn moto_config_at(endpoint: &str) -> SdkConfig {
    let credentials = Credentials::new("test", "test", None, None, "labcheck-tests");
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build()
}

/// A table of its own on moto, reached through a proxy that hands moto one request at a time (see
/// [`FaultProxy::one_at_a_time`]: moto's transactions are not safe under concurrency; the store's are).
pub(crate) async fn dynamo_store() -> DynamoStore {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let table = format!("labcheck-progress-{}-{n}", std::process::id());
    let proxy = FaultProxy::one_at_a_time(&moto_url()).await;
    DynamoStore::create(&moto_config_at(&proxy.url), &table).await.unwrap();
    DynamoStore::open(&moto_config_at(&proxy.url), &table).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamodb_store() {
    let store: Arc<dyn Store> = Arc::new(dynamo_store().await);
    progress_accumulates_to_the_whole_lab(store.as_ref()).await;
    concurrent_gradings_all_count(store.clone()).await;
    old_evidence_is_dropped_and_the_rest_kept(store.as_ref()).await;
    lti_records_are_single_use_and_newest_first(store.clone()).await;
    a_class_is_read_by_lab_and_prefix(store.clone()).await;
    a_learner_is_exported_and_forgotten(store).await;
}

fn one_line(error: &StoreError) -> String {
    let text = error.to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    text
}

#[tokio::test]
async fn unusable_stores_are_one_clear_line() {
    let garbage = sqlite_path();
    std::fs::create_dir_all(garbage.parent().unwrap()).unwrap();
    std::fs::write(&garbage, "this is not a database, just text that is long enough to have a header page").unwrap();
    let error = SqliteStore::open(&garbage).await.unwrap_err();
    assert!(one_line(&error).contains("file is not a database"), "{error}");

    let newer = sqlite_path();
    drop(SqliteStore::open(&newer).await.unwrap());
    let connection = rusqlite::Connection::open(&newer).unwrap();
    connection.pragma_update(None, "user_version", 99).unwrap();
    drop(connection);
    let error = SqliteStore::open(&newer).await.unwrap_err();
    assert!(matches!(error, StoreError::Newer { found: 99, .. }), "{error}");
    assert!(one_line(&error).contains("written by a newer labcheck (schema 99"), "{error}");

    let error = DynamoStore::open(&moto_config(), "no-such-table").await.unwrap_err();
    assert!(one_line(&error).contains("`labcheck store-init dynamodb:no-such-table`"), "{error}");
}

#[tokio::test]
async fn a_newer_dynamodb_item_is_refused() {
    let store = dynamo_store().await;
    let client = aws_sdk_dynamodb::Client::new(&moto_config());
    let table = store.table().to_owned();
    let item = [("pk", "progress#apigw-items#eve"), ("body", "{}")];
    let mut put = client.put_item().table_name(&table);
    for (name, value) in item {
        put = put.item(name, aws_sdk_dynamodb::types::AttributeValue::S(value.to_owned()));
    }
    put.item("schema", aws_sdk_dynamodb::types::AttributeValue::N("7".into())).send().await.unwrap();
    let error = store.progress("eve", "apigw-items").await.unwrap_err();
    assert!(matches!(error, StoreError::Newer { found: 7, .. }), "{error}");
}

/// Erased means erased: after `forget` the SQLite file and its log hold none of the learner's bytes (their id,
/// their session's external id, their evidence), not even in free pages; pruned evidence is gone the same way.
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_erasures_leave_no_bytes_behind() {
    let path = sqlite_path();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
    let lab = items_lab();
    let (learner, external_id) = ("erased-zoe-7f3a91", "external-id-of-zoe-5c02be");
    for name in ["no-plan", "complete"] {
        store.record(lab.clone(), grading(learner, case(name).await)).await.unwrap();
    }
    store.record(lab.clone(), grading("kept-kim", case("complete").await)).await.unwrap();
    let minted = labcheck::sessions::mint(labcheck::sessions::SessionRequest {
        learner: learner.into(),
        lab: "apigw-items".into(),
        account: labcheck::ids::AccountRef {
            role_arn: Some("arn:aws:iam::123456789012:role/lab".into()),
            external_id: Some(external_id.into()),
            region: Some("us-east-1".into()),
            lang: None,
        },
        expires_in: 3600,
        lti: None,
    });
    store.put_session(&minted.session, &minted.digest).await.unwrap();
    let file_holds = |needle: &str| -> bool {
        let mut found = false;
        for suffix in ["", "-wal"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            let bytes = std::fs::read(&file).unwrap_or_default();
            found |= bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        }
        found
    };
    assert!(file_holds(learner) && file_holds(external_id), "the test looks for bytes that are there");
    store.forget_learner(learner, None).await.unwrap();
    assert!(!file_holds(learner), "the learner's id is still in the file");
    assert!(!file_holds(external_id), "the session's external id is still in the file");
    assert!(file_holds("kept-kim"), "another learner's records stay");

    // Evidence pruned is gone too: a probe's request id is in the evidence only, never in the report.
    let snapshot = Snapshot::load(&repo_path("checks/apigw-items/cases/complete.json")).unwrap();
    let evidence = serde_json::to_string(&snapshot.facts).unwrap();
    let request_id = evidence.split("\"x-amzn-requestid\":\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(file_holds(&request_id), "kim's evidence is kept");
    assert!(store.forget_evidence_before("2100-01-01T00:00:00Z").await.unwrap() >= 1);
    assert!(!file_holds(&request_id), "pruned evidence is still in the file");
}
