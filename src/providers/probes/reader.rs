//! Sending the probes of one round: each request once per API of the name, with the key's value when it needs one.

use super::Probes;
use crate::aws::{ClientSettings, MakeClient};
use crate::providers::{Reading, RoundReader};
use std::sync::Arc;

use crate::aws::round_trips::{fork, join_all};

use super::{BODY_SHOWN, Facts, ProbeOutcome, ProbeRecord, ProbeSpec, Read, send};
use crate::aws::AwsSession;
use crate::aws::Keyed;
use crate::providers::Readers;

/// One round of probes.
pub struct Reader {
    session: Arc<AwsSession>,
    probes: Keyed<ProbeRecord>,
}

impl RoundReader for Reader {
    type Read = Read;

    fn new(session: &Arc<AwsSession>, _plan: &[crate::providers::Read]) -> Self {
        Self { session: session.clone(), probes: Keyed::new() }
    }

    /// The probe to every API of the spec's name, and the REST API list that named them.
    async fn read(&self, read: &Read, round: &Readers) -> crate::providers::Facts {
        match read {
            Read::Probe(spec) => {
                let api_gateway = &round.apigateway;
                let (apis, ids) = api_gateway.ids_of_apis_named(&spec.api).await;
                let probes = join_all(ids.iter().map(|id| self.probe(spec, id, round))).await;
                let mut facts =
                    crate::providers::Facts { probes: Facts { probes }, ..crate::providers::Facts::default() };
                facts.apigateway.rest_apis = Some(apis);
                facts
            }
        }
    }
}

impl Reader {
    async fn probe(&self, spec: &ProbeSpec, api_id: &str, round: &Readers) -> ProbeRecord {
        let key = format!("{api_id}\u{0}{spec:?}");
        self.probes
            .get_or_fetch(&key, || async {
                let api_gateway = &round.apigateway;
                let session = &self.session;
                let url = format!("{}{}", session.invoke.url(api_id, &spec.stage, &session.region), spec.path);
                let key_value = match &spec.api_key {
                    None => Ok(None),
                    Some(name) => match api_gateway.api_key_value(name, api_id, &spec.stage).await {
                        Ok(Some(value)) => Ok(Some(value)),
                        Ok(None) => {
                            let outcome = Ok(ProbeOutcome::NoSuchApiKey { name: name.clone() });
                            return ProbeRecord { spec: spec.clone(), api_id: api_id.to_owned(), url, outcome };
                        }
                        Err(e) => Err(e),
                    },
                };
                let outcome = match key_value {
                    Err(e) => Err(e),
                    Ok(value) => {
                        let probe = send::Probe { method: &spec.method, url: &url, api_key: value.as_ref() };
                        let client = session.client::<Probes>();
                        let sent = send::send(&client, &session.stats, &probe);
                        let (outcome, secrets) = futures::join!(fork(sent), fork(api_gateway.known_secrets()));
                        send::redact_and_cut(outcome, &secrets)
                    }
                };
                ProbeRecord { spec: spec.clone(), api_id: api_id.to_owned(), url, outcome }
            })
            .await
    }
}

impl MakeClient for Probes {
    type Client = reqwest::Client;

    fn client(settings: &ClientSettings) -> Self::Client {
        send::client(settings.probe_timeout).expect("an HTTP client with default TLS roots")
    }

    fn instrument(client: Self::Client, _settings: &ClientSettings) -> Self::Client {
        client
    }
}

impl Reading for Probes {
    /// A probe's body is kept up to what a check shows of it ([`BODY_SHOWN`] characters, and one more to tell that
    /// there was more): the learner's API may answer anything, secrets included.
    fn for_evidence(facts: &mut Facts) {
        for record in &mut facts.probes {
            if let Ok(ProbeOutcome::Response(response)) = &mut record.outcome
                && let Some((cut, _)) = response.body.char_indices().nth(BODY_SHOWN + 1)
            {
                response.body.truncate(cut);
            }
        }
    }

    type Reader = Reader;

    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])] = &[];
}
